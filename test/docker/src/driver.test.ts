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
    // Generous: the machine is shared and heavily loaded at times; a pass takes about a second per case.
    timeoutMs: 60_000,
  });

  it('in network mode, gives addresses a PUB in a container on the same network reaches, and one alias for all replicas', async () => {
    const driver = createDockerDriver({ docker, network: 'racetrack-test', addressMode: 'network' });
    const jobName = `net-job-${process.pid}`;
    try {
      const image = await buildNodeScriptImage(docker, tag, testJobSource);
      const instances = await driver.deploy({ jobName, version: '1.0.0', replicas: 2, artefact: { kind: 'image', image }, env: {}, deploymentTimestamp: 1700000301 });
      assert.deepEqual(instances.map((i) => i.address), [`job-${jobName}-v-1-0-0-0:7000`, `job-${jobName}-v-1-0-0-1:7000`]);
      const urls = [...instances.map((i) => `http://${i.address}/live`), `http://job-${jobName}-v-1-0-0:7000/live`];
      // A throwaway client container on the network, as a PUB running in Docker would be.
      const script = `const urls = ${JSON.stringify(urls)};
const deadline = Date.now() + 20000;
(async () => { for (const url of urls) { for (;;) { try { const r = await fetch(url); console.log(url, (await r.json()).deployment_timestamp); break; } catch (e) { if (Date.now() > deadline) throw e; await new Promise((ok) => setTimeout(ok, 200)); } } } })();`;
      const container = await docker.createContainer({ Image: 'node:24-bookworm-slim', Cmd: ['node', '-e', script], HostConfig: { NetworkMode: 'racetrack-test' } });
      try {
        await container.start();
        const exit = await container.wait();
        const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
        assert.equal(exit.StatusCode, 0, output);
        for (const url of urls) assert.match(output, new RegExp(`${url.replace(/[.]/g, '\\.')} 1700000301`));
      } finally {
        await container.remove({ force: true });
      }
    } finally {
      await driver.remove(jobName, '1.0.0');
    }
  });

  it('applies resources as container limits and labels the container for listing', async () => {
    const driver = createDockerDriver({ docker, network: 'racetrack-test' });
    const jobName = `limited-job-${process.pid}`;
    try {
      const image = await buildNodeScriptImage(docker, tag, testJobSource);
      const [instance] = await driver.deploy({
        jobName, version: '2.0.0', replicas: 1, artefact: { kind: 'image', image }, env: {}, deploymentTimestamp: 1700000302,
        resources: { memory_min: '64Mi', memory_max: '256Mi', cpu_min: '100m', cpu_max: '500m' },
      });
      const info = await docker.getContainer((instance as { id: string }).id).inspect();
      assert.equal(info.HostConfig.Memory, 256 * 2 ** 20);
      assert.equal(info.HostConfig.MemoryReservation, 64 * 2 ** 20);
      assert.equal(info.HostConfig.NanoCpus, 0.5e9);
      assert.equal(info.Config.Labels['racetrack.job-name'], jobName);
      assert.equal(info.Config.Labels['racetrack.job-version'], '2.0.0');
    } finally {
      await driver.remove(jobName, '2.0.0');
    }
  });

  it('sees the running Engine (what the server checks before offering the docker target)', async () => {
    assert.match((await dockerEngineVersion(docker)) ?? '', /^\d+\.\d+/);
  });
});
