/** @module The docker driver against the shared infrastructure-driver conformance suite, on a real Docker Engine. */
import { describe } from 'node:test';
import { createHash } from 'node:crypto';
import { createDockerDriver } from '@racetrack/infra/docker';
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
});
