/** @module The local builder's workspace deployed to the docker target: what lifecycle does for `infrastructure_target: docker`. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createBuilder, createDockerTarget, jobImageName } from '@racetrack/builder';
import type { InfraDriver } from '@racetrack/infra';
import { builtinJobTypes } from '@racetrack/job-types';
import { parse, stringify } from 'yaml';
import { waitFor } from '../../../packages/infra/src/core/driver-suite.ts';
import { prepareEngine, repoPath } from './engine.ts';

const engine = await prepareEngine();
if (engine.skip) console.log(`# ${engine.skip}`);

describe('local build deployed to the docker target', { skip: engine.skip }, () => {
  const docker = engine.docker as NonNullable<typeof engine.docker>;
  let root: string;
  const images: string[] = [];
  const buildLog: string[] = [];
  let driver: InfraDriver;
  const jobName = `py-adder-local-${process.pid}`;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rt-docker-local-build-'));
    const target = await createDockerTarget({ docker, network: 'racetrack-test', onBuildLog: (_name, _version, line) => buildLog.push(line) });
    assert.ok(target, 'the Engine answers, so the docker target is offered');
    driver = target;
  });

  after(async () => {
    await driver.remove(jobName, '0.0.2');
    // What the test's own delete left, if anything (a failed assertion before it).
    for (const image of images) if ((await docker.listImages({ filters: { reference: [image] } })).length > 0) await docker.getImage(image).remove({ force: true });
    await rm(root, { recursive: true, force: true });
  });

  it('builds the Python sample adder with the local builder and runs its workspace as an image', async () => {
    const sourceDir = repoPath('samples', 'python-adder');
    // Named like the job the driver runs, as lifecycle does: images are found by the manifest's name.
    const manifest = { ...(parse(await readFile(path.join(sourceDir, 'job.yaml'), 'utf8')) as Record<string, unknown>), name: jobName };
    const manifestYaml = stringify(manifest);
    const archive = await promisify(execFile)('tar', ['-czf', '-', '-C', sourceDir, '.'], { encoding: 'buffer', maxBuffer: 10 * 2 ** 20 });
    const builder = createBuilder({ dataDir: root, jobTypes: builtinJobTypes() });
    const built = await builder.build({
      deploymentId: 'docker-local-build',
      manifest,
      source: { kind: 'archive', base64TarGz: archive.stdout.toString('base64') },
      buildEnv: {},
      noCache: false,
      onLog: () => {},
      onPhase: () => {},
    });
    assert.equal(built.artefact.kind, 'process');

    const timestamp = 1700000201;
    const [instance] = await driver.deploy({
      jobName,
      version: '0.0.2',
      replicas: 1,
      artefact: built.artefact,
      env: { JOB_NAME: jobName, JOB_VERSION: '0.0.2', JOB_MANIFEST_YAML: manifestYaml },
      deploymentTimestamp: timestamp,
    });
    assert.ok(instance);
    images.push(jobImageName('racetrack', jobName, '0.0.2', built.contentHash));
    assert.ok(buildLog.includes(`built image ${images[0]} (${(await docker.getImage(images[0] as string).inspect()).Id.slice(0, 19)})`), 'the image build log reaches onBuildLog');
    await waitFor('/live', async () => (await (await fetch(`http://${instance.address}/live`)).json() as { deployment_timestamp?: unknown }).deployment_timestamp === timestamp, 120_000);
    const response = await fetch(`http://${instance.address}/api/v1/perform`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers": [40, 2]}' });
    assert.deepEqual(await response.json(), 42);

    // A server stop (keepLogs) keeps the image for the next start; a delete removes it with the containers.
    const image = images[0] as string;
    await driver.remove(jobName, '0.0.2', { keepLogs: true });
    assert.equal((await docker.listImages({ filters: { reference: [image] } })).length, 1, 'the image stays after a server stop');
    await driver.deploy({ jobName, version: '0.0.2', replicas: 1, artefact: { kind: 'image', image }, env: { JOB_NAME: jobName }, deploymentTimestamp: timestamp });
    assert.equal((await driver.list()).filter((i) => i.jobName === jobName).length, 1);
    await driver.remove(jobName, '0.0.2');
    assert.deepEqual(await driver.list().then((all) => all.filter((i) => i.jobName === jobName)), []);
    assert.deepEqual(await docker.listImages({ filters: { reference: [image] } }), [], 'a delete removes the job image');
  });
});
