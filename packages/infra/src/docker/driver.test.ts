/** @module Tests of the docker driver's pure parts: resource quantities and limits, names, and a missing Engine. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Dockerode from 'dockerode';
import { isRacetrackError } from '@racetrack/core';
import { createDockerDriver } from './driver.ts';
import { dockerEngineVersion } from './engine.ts';
import { containerEnv } from './env.ts';
import { containerName, resourceName } from './naming.ts';
import { parseQuantity, resourceLimits } from './resources.ts';

describe('docker driver resources', () => {
  it('parses binary, decimal and milli quantities', () => {
    assert.equal(parseQuantity('256Mi', 'memory_max'), 256 * 2 ** 20);
    assert.equal(parseQuantity('1G', 'memory_max'), 1e9);
    assert.equal(parseQuantity('500m', 'cpu_max'), 0.5);
    assert.equal(parseQuantity('2', 'cpu_max'), 2);
  });

  it('maps resources to Docker limits', () => {
    assert.deepEqual(resourceLimits({ memory_min: '128Mi', memory_max: '1Gi', cpu_min: '250m', cpu_max: '1.5' }), {
      MemoryReservation: 128 * 2 ** 20,
      Memory: 2 ** 30,
      CpuShares: 256,
      NanoCpus: 1.5e9,
    });
    assert.deepEqual(resourceLimits(undefined), {});
  });

  it('names the field of a bad quantity or of min above max', () => {
    assert.throws(() => resourceLimits({ memory_max: '12 apples' }), (error) => isRacetrackError(error) && error.details?.['field'] === 'resources.memory_max');
    assert.throws(() => resourceLimits({ memory_min: '2Gi', memory_max: '1Gi' }), (error) => isRacetrackError(error) && error.details?.['field'] === 'resources.memory_min');
  });

  it('names containers job-<name>-v-<version>-<replica>, DNS-safe', () => {
    assert.equal(resourceName('adder', '1.2.3-rc.1+b5'), 'job-adder-v-1-2-3-rc-1-b5');
    assert.equal(containerName('adder', '0.0.1', 2), 'job-adder-v-0-0-1-2');
  });

  it('answers UNAVAILABLE with a fix when no Docker Engine listens', async () => {
    const driver = createDockerDriver({ docker: new Dockerode({ socketPath: '/nonexistent/docker.sock' }) });
    await assert.rejects(driver.list(), (error) => isRacetrackError(error) && error.code === 'UNAVAILABLE' && /start dockerd or set DOCKER_HOST/.test(error.message));
  });
});

describe('docker engine probe', () => {
  it('answers undefined, quickly, when no Engine listens', async () => {
    assert.equal(await dockerEngineVersion(new Dockerode({ socketPath: '/nonexistent/docker.sock' }), 1000), undefined);
  });
});

describe('job container env', () => {
  it('adds the deployment timestamp and PORT, and points loopback callback URLs at the host', () => {
    const env = containerEnv({
      jobName: 'a', version: '1.0.0', replicas: 1, artefact: { kind: 'image', image: 'x' }, deploymentTimestamp: 42,
      env: { PUB_URL: 'http://127.0.0.1:7200/pub', LIFECYCLE_URL: 'http://localhost:7200/lifecycle', OTHER: 'http://127.0.0.1:1' },
    });
    assert.deepEqual(env, {
      JOB_DEPLOYMENT_TIMESTAMP: '42', PORT: '7000', OTHER: 'http://127.0.0.1:1',
      PUB_URL: 'http://host.docker.internal:7200/pub', LIFECYCLE_URL: 'http://host.docker.internal:7200/lifecycle',
    });
  });
});
