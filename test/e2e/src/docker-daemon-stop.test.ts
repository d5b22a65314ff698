/**
 * @module End to end: the Docker daemon behind the `docker` target stops and starts again. While it is down the
 * job shows an error naming the target, PUB refuses calls with the job's state, and a deploy fails with a message
 * naming the engine, also after a server restart; once it is back the supervisor starts the job's containers again
 * without anyone redeploying.
 * Uses a private dockerd (second-engine.ts), so the engine other test files share is never stopped.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { JobDto } from '@racetrack/core';
import { copyJob, prepareDockerEngine, repoRoot, startTestServer, waitFor, type TestServer } from '@racetrack/testkit';
import { getJson } from './helpers.ts';
import { startSecondEngine, type SecondEngine } from './second-engine.ts';

let skipReason: string | undefined;
let engine: SecondEngine | undefined;
let server: TestServer | undefined;

before(async () => {
  skipReason = await prepareDockerEngine();
  if (skipReason) {
    console.log(`# docker daemon-stop e2e skipped: ${skipReason}`);
    return;
  }
  engine = await startSecondEngine(`/tmp/rt-dk2-${process.pid}`);
  // The node job type's image starts from this base; the private engine cannot pull it either.
  await engine.loadImages(['node:24-bookworm-slim']);
  // `auto`, the default: the docker target is offered because the Engine answers (and, after the restart below,
  // because jobs are registered on it).
  server = await startTestServer({ env: { RACETRACK_DOCKER: 'auto', DOCKER_HOST: engine.host } });
});
after(async () => {
  await server?.stop();
  await engine?.destroy();
});

const name = 'e2e-dk-daemon';
const version = '1.0.0';

async function perform(pubUrl: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${pubUrl}/job/${name}/${version}/api/v1/perform`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers: [40, 2] }),
  });
  return { status: response.status, text: await response.text() };
}

test('a stopped Docker daemon shows as a job error and a clear deploy error; the job comes back with the daemon', { timeout: 300_000 }, async (t) => {
  if (!server || !engine) {
    t.skip(skipReason);
    return;
  }
  const srv = server;
  const dir = await copyJob(join(repoRoot, 'samples/adder'), join(srv.workDir, name), { name, version, infrastructure_target: 'docker' });
  const deployed = await srv.cli(['deploy', dir], { timeoutMs: 200_000 });
  assert.equal(deployed.code, 0, `${deployed.stdout}\n${deployed.stderr}`);
  assert.deepEqual(await perform(srv.pubUrl), { status: 200, text: '42' });

  await engine.stop();
  // The daemon stops its containers first (the job is seen exited for a moment), then stops answering.
  const during = await waitFor('the job to show the engine outage', async () => {
    const job = (await getJson<JobDto>(`${srv.lifecycleUrl}/api/v1/job/${name}/${version}`)).body;
    return job.status === 'error' && job.error?.includes('does not answer') ? job : undefined;
  }, 30_000, 200);
  assert.match(during.error ?? '', /infrastructure target "docker" does not answer since .*Docker Engine does not answer.*start dockerd or set DOCKER_HOST/);
  const refused = await perform(srv.pubUrl);
  assert.notEqual(refused.status, 200);
  assert.match(refused.text, /is error, not running/);

  const other = await copyJob(join(repoRoot, 'samples/adder'), join(srv.workDir, `${name}-2`), { name: `${name}-2`, version, infrastructure_target: 'docker' });
  const failed = await srv.cli(['deploy', other], { timeoutMs: 120_000 });
  assert.notEqual(failed.code, 0, failed.stdout);
  assert.match(`${failed.stdout}\n${failed.stderr}`, /Docker Engine does not answer.*start dockerd or set DOCKER_HOST/);

  // A server started while the Engine is down still offers the target its jobs run on, and shows them waiting.
  await srv.kill('SIGKILL');
  await srv.restart();
  const info = await getJson<{ infrastructure_targets: string[] }>(`${srv.lifecycleUrl}/api/v1/info`);
  assert.ok(info.body.infrastructure_targets.includes('docker'), JSON.stringify(info.body));
  await waitFor('the job to show the engine outage after the server restart', async () => {
    const job = (await getJson<JobDto>(`${srv.lifecycleUrl}/api/v1/job/${name}/${version}`)).body;
    return job.status === 'error' && job.error?.includes('infrastructure target "docker" does not answer') ? job : undefined;
  }, 30_000, 200);

  await engine.start();
  const healed = await waitFor('the job to run again once the engine is back', async () => {
    const job = (await getJson<JobDto>(`${srv.lifecycleUrl}/api/v1/job/${name}/${version}`)).body;
    return job.status === 'running' && (await perform(srv.pubUrl)).status === 200 ? job : undefined;
  }, 90_000, 250);
  assert.equal(healed.error, null);
  assert.ok(Number(healed.infrastructure_stats['number_of_restarts']) >= 1, JSON.stringify(healed.infrastructure_stats));
  assert.deepEqual(await perform(srv.pubUrl), { status: 200, text: '42' });

  const deleted = await srv.cli(['delete', name, '--version', version]);
  assert.equal(deleted.code, 0, deleted.stderr);
});
