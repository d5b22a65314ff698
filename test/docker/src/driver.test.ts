/** @module The docker driver against the shared infrastructure-driver conformance suite, on a real Docker Engine. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createDockerDriver, dockerEngineVersion } from '@racetrack/infra/docker';
import { driverSuite, testJobSource } from '../../../packages/infra/src/core/driver-suite.ts';
import { buildNodeScriptImage, prepareEngine } from './engine.ts';

const engine = await prepareEngine();
if (engine.skip) console.log(`# ${engine.skip}`);

describe('docker driver', { skip: engine.skip }, () => {
  if (!engine.docker) return;
  const docker = engine.docker;
  const tag = `racetrack-test/suite-job:${createHash('sha256').update(testJobSource).digest('hex').slice(0, 12)}`;
  driverSuite({
    makeDriver: () => createDockerDriver({ docker, network: 'racetrack-test' }),
    artefact: async () => ({ kind: 'image', image: await buildNodeScriptImage(docker, tag, testJobSource) }),
    killExternally: async (instance) => {
      await docker.getContainer(instance.id).kill();
    },
    timeoutMs: 30_000,
  });

  it('sees the running Engine (what the server checks before offering the docker target)', async () => {
    assert.match((await dockerEngineVersion(docker)) ?? '', /^\d+\.\d+/);
  });
});
