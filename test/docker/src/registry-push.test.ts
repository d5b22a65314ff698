/**
 * @module A server configured with RACETRACK_DOCKER_REGISTRY pushes each deployment's job image in the phase
 * `pushing image (1/1)`, between building it and creating the containers; an image pushed before is not pushed
 * again; a registry that refuses the push fails the deployment with the registry's message.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { copyJob, repoRoot, startTestServer, type TestServer } from '@racetrack/testkit';
import { startFakeRegistry, type FakeRegistry } from './fake-registry.ts';
import { prepareEngine } from './engine.ts';

const run = promisify(execFile);
const engine = await prepareEngine();
if (engine.skip) console.log(`# ${engine.skip}`);

/** Phases a deployment went through, from the `--- <phase> (+N ms)` lines of its build log. */
function phasesIn(buildLog: string): string[] {
  return [...buildLog.matchAll(/^--- (.+) \(\+\d+ ms\)$/gm)].map((match) => match[1] ?? '');
}

describe('job images pushed to the configured registry', { skip: engine.skip }, () => {
  const name = `rt-push-${process.pid}`;
  const version = '1.0.0';
  let registry: FakeRegistry;
  let server: TestServer;
  let jobDir: string;

  before(async () => {
    registry = await startFakeRegistry();
    server = await startTestServer({
      env: {
        RACETRACK_DOCKER: 'true',
        RACETRACK_DOCKER_REGISTRY: registry.address,
        RACETRACK_DOCKER_REGISTRY_NAMESPACE: 'team',
        ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
      },
    });
    jobDir = await copyJob(path.join(repoRoot, 'samples/docker-proxy'), path.join(server.workDir, name), { name, version });
  });

  after(async () => {
    await server?.cli(['delete', name, '--version', version]);
    await server?.stop();
    await registry?.close();
    // Whatever the delete left (the registry's tag of a failed run): images of this test's job only.
    const { stdout } = await run('docker', ['images', '-q', '--filter', `label=racetrack.job-name=${name}`]);
    const ids = [...new Set(stdout.split('\n').filter(Boolean))];
    if (ids.length > 0) await run('docker', ['rmi', '-f', ...ids]);
  });

  it('pushes in its own phase, once per image, and fails the deployment when the registry refuses', { timeout: 180_000 }, async () => {
    const first = await server.cli(['deploy', jobDir, '--force'], { timeoutMs: 150_000 });
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    const buildLog = (await server.cli(['build-logs', name, '--version', version])).stdout;
    assert.deepEqual(phasesIn(buildLog), [
      'fetching the source code', 'preparing job type builder', 'building image (1/1)', 'pushing image (1/1)', 'finalizing the build',
      'creating cluster resources', 'starting Job server', 'initializing Job entrypoint', 'post-deploy hooks',
    ], buildLog);
    const image = /building image (racetrack\/job\/\S+)/.exec(buildLog)?.[1];
    assert.ok(image, `the build log names no job image:\n${buildLog}`);
    const [repository, tag] = image.replace(/^racetrack\//, 'team/').split(':') as [string, string];
    assert.match(buildLog, new RegExp(`pushing ${registry.address}/${repository}:${tag}`));
    assert.match(buildLog, /Pushed|digest/, 'the push progress is in the build log');
    assert.ok(registry.manifests.has(`${repository}:${tag}`), `the registry holds ${repository}:${tag}: ${[...registry.manifests.keys()].join(', ')}`);

    // Unchanged redeploy: the image is reused and was pushed already, so nothing is pushed.
    const pushedManifests = registry.manifests.size;
    const again = await server.cli(['deploy', jobDir, '--force'], { timeoutMs: 150_000 });
    assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
    const againLog = (await server.cli(['build-logs', name, '--version', version])).stdout;
    assert.ok(!phasesIn(againLog).includes('pushing image (1/1)'), againLog);
    assert.equal(registry.manifests.size, pushedManifests);

    // A rebuilt image meets a registry that refuses it: the deployment fails in the push phase with the registry's words.
    registry.deny = 'requested access to the resource is denied for this test';
    const refused = await server.cli(['deploy', jobDir, '--force', '--no-cache'], { timeoutMs: 150_000 });
    const output = `${refused.stdout}\n${refused.stderr}`;
    assert.notEqual(refused.code, 0, output);
    assert.match(output, /failed at phase "pushing image \(1\/1\)"/);
    assert.match(output, /requested access to the resource is denied for this test/);
  });
});
