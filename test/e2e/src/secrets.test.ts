/** @module End to end: runtime_env and secret runtime vars reach the job; secrets never come back out of the API or logs. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deployAndWait, startTestServer, waitFor, type TestServer } from '@racetrack/testkit';
import { fixture } from './helpers.ts';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server?.stop(); });

test('the job sees its env and secrets; the API and the server log never show the secret', async () => {
  const secret = `s3cr3t-${Math.random().toString(36).slice(2)}`;
  const deployment = await deployAndWait(server.lifecycleUrl, fixture('env-echo'), { secretRuntimeEnv: { API_TOKEN: secret } });
  assert.equal(deployment.status, 'done', deployment.error ?? '');
  const env = await waitFor('the job to answer through PUB', async () => {
    const response = await fetch(`${server.pubUrl}/job/env-echo/latest/api/v1/perform`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    return response.ok ? ((await response.json()) as Record<string, string | null>) : undefined;
  }, 15_000);
  assert.deepEqual(env, {
    PLAIN_SETTING: 'visible',
    API_TOKEN: secret,
    JOB_NAME: 'env-echo',
    JOB_VERSION: '1.0.0',
    PUB_URL: server.pubUrl,
    JOB_TYPE_VERSION: env['JOB_TYPE_VERSION'],
    DEPLOYED_BY_RACETRACK_VERSION: env['DEPLOYED_BY_RACETRACK_VERSION'],
  });
  assert.match(String(env['JOB_TYPE_VERSION']), /^node:/);
  for (const path of ['/api/v1/job', '/api/v1/job/env-echo/1.0.0', '/api/v1/deploy', `/api/v1/deploy/${deployment.id}`,
    `/api/v1/deploy/${deployment.id}/build-logs`, '/api/v1/job/env-echo/1.0.0/build-logs']) {
    const body = await (await fetch(`${server.lifecycleUrl}${path}`)).text();
    assert.ok(!body.includes(secret), `${path} reveals the secret`);
  }
  assert.ok(!server.output().includes(secret), 'the server log reveals the secret');
});
