/**
 * @module End to end on the `docker` infrastructure target (skipped when no Docker Engine answers):
 * the same job deployed with `infrastructure_target: docker` answers through PUB and is removed on delete.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { copyJob, startTestServer, waitFor, type TestServer } from '@racetrack/testkit';
import { adderDir, getJson } from './helpers.ts';

let server: TestServer;
let dockerAvailable = false;
before(async () => {
  server = await startTestServer({ env: { RACETRACK_DOCKER: 'true', ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}) } });
  const info = await getJson<{ infrastructure_targets: string[] }>(`${server.lifecycleUrl}/api/v1/info`);
  dockerAvailable = info.body.infrastructure_targets.includes('docker');
});
after(async () => { await server?.stop(); });

test('a job on the docker target is built into an image, answers through PUB and is deleted', async (t) => {
  if (!dockerAvailable) {
    t.skip('no Docker Engine answers on this machine');
    return;
  }
  // A fixed name: the image is reused across runs instead of piling up.
  const name = 'e2e-docker-adder';
  const dir = await copyJob(adderDir, join(server.workDir, 'docker-adder'), { name, version: '1.0.0', infrastructure_target: 'docker' });
  const deploy = await server.cli(['deploy', dir], { timeoutMs: 600_000 });
  assert.equal(deploy.code, 0, `${deploy.stdout}\n${deploy.stderr}`);
  const job = await getJson<{ infrastructure_target: string; status: string }>(`${server.lifecycleUrl}/api/v1/job/${name}/1.0.0`);
  assert.equal(job.body.infrastructure_target, 'docker');
  const sum = await waitFor('the containerised job to answer through PUB', async () => {
    const response = await fetch(`${server.pubUrl}/job/${name}/latest/api/v1/perform`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers: [40, 2] }),
    });
    return response.ok ? await response.json() : undefined;
  }, 30_000);
  assert.equal(sum, 42);
  const deleted = await server.cli(['delete', name, '--version', '1.0.0']);
  assert.equal(deleted.code, 0, deleted.stderr);
  await waitFor('PUB to answer 404', async () => (await fetch(`${server.pubUrl}/job/${name}/1.0.0/api/v1/perform`, { method: 'POST' })).status === 404, 15_000);
});
