/**
 * @module End to end, as a user: deploy the adder with the CLI, call it through PUB and with `racetrack call`,
 * deploy a second version and watch `latest` move, use a wildcard, delete and get 404.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { JobDto } from '@racetrack/core';
import { copyJob, startTestServer, waitFor, type TestServer } from '@racetrack/testkit';
import { adderDir, callAdder, getJson } from './helpers.ts';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server?.stop(); });

test('deploy, call, new version, latest, wildcard, delete', async (t) => {
  const v1 = await copyJob(adderDir, join(server.workDir, 'adder-v1'), { version: '1.0.0' });
  const v2 = await copyJob(adderDir, join(server.workDir, 'adder-v2'), { version: '1.1.0' });

  await t.test('racetrack deploy ends with the job URL', async () => {
    const result = await server.cli(['deploy', v1]);
    assert.equal(result.code, 0, `deploy failed:\n${result.stdout}\n${result.stderr}\n${server.output().slice(-3000)}`);
    assert.match(result.stdout + result.stderr, /\/pub\/job\/adder\/1\.0\.0/);
  });

  await t.test('the job is listed as running with its address', async () => {
    const { body } = await getJson<JobDto[]>(`${server.lifecycleUrl}/api/v1/job`);
    const job = body.find((j) => j.name === 'adder' && j.version === '1.0.0');
    assert.equal(job?.status, 'running');
    assert.equal(job?.replica_internal_names.length, 1);
    assert.equal(job?.pub_url, `${server.pubUrl}/job/adder/1.0.0`);
  });

  await t.test('a call through PUB answers with the sum and a tracing id', async () => {
    const call = await waitFor('PUB to route to the adder', async () => {
      const result = await callAdder(server.pubUrl, '1.0.0', [40, 2]);
      return result.status === 200 ? result : undefined;
    }, 15_000);
    assert.equal(call.body, 42);
    assert.ok(call.headers.get('x-request-tracing-id'));
  });

  await t.test('racetrack call prints the result', async () => {
    const result = await server.cli(['call', 'adder', '/api/v1/perform', '{"numbers": [1, 2, 3]}']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\b6\b/);
  });

  await t.test('a second version becomes latest; the wildcard and the exact version still work', async () => {
    const result = await server.cli(['deploy', v2]);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const latest = await getJson<JobDto>(`${server.lifecycleUrl}/api/v1/job/adder/latest`);
    assert.equal(latest.body.version, '1.1.0');
    const wildcard = await getJson<JobDto>(`${server.lifecycleUrl}/api/v1/job/adder/1.x`);
    assert.equal(wildcard.body.version, '1.1.0');
    const exact = await getJson<JobDto>(`${server.lifecycleUrl}/api/v1/job/adder/1.0.0`);
    assert.equal(exact.body.version, '1.0.0');
    await waitFor('PUB latest to reach 1.1.0', async () => (await callAdder(server.pubUrl, 'latest', [1, 1])).status === 200, 15_000);
    assert.equal((await callAdder(server.pubUrl, '1.x', [2, 2])).body, 4);
    assert.equal((await callAdder(server.pubUrl, '1.0.0', [3, 3])).body, 6);
  });

  await t.test('racetrack logs and build-logs show the job output and the deployment phases', async () => {
    const logs = await server.cli(['logs', 'adder', '--version', '1.0.0', '--tail', '5']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /adder/);
    const buildLogs = await server.cli(['build-logs', 'adder', '--version', '1.0.0']);
    assert.equal(buildLogs.code, 0, buildLogs.stderr);
    assert.match(buildLogs.stdout, /initializing Job entrypoint/);
  });

  await t.test('redeploying the same version without --force is refused with 409', async () => {
    const result = await server.cli(['deploy', v2]);
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, /already deployed/);
  });

  await t.test('delete makes the version disappear: lifecycle 404, PUB 404, latest falls back', async () => {
    const result = await server.cli(['delete', 'adder', '--version', '1.1.0']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await getJson(`${server.lifecycleUrl}/api/v1/job/adder/1.1.0`)).status, 404);
    await waitFor('PUB to forget 1.1.0', async () => (await callAdder(server.pubUrl, '1.1.0', [1])).status === 404, 15_000);
    assert.equal((await getJson<JobDto>(`${server.lifecycleUrl}/api/v1/job/adder/latest`)).body.version, '1.0.0');
  });
});
