import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { jobRepository, type Database } from '@racetrack/db';
import { startLifecycleTestApp, type LifecycleTestApp } from './test-app.ts';

let testApp: LifecycleTestApp;
let database: Database;
let app: FastifyInstance;

before(async () => {
  testApp = await startLifecycleTestApp();
  ({ app, database } = testApp);
  const jobs = jobRepository(database.db);
  // 1.0.0 runs, 2.0.0 is broken, 3.0.0 is still starting, 4.0.0-rc1 is a prerelease.
  for (const [version, status] of [['1.0.0', 'running'], ['2.0.0', 'error'], ['3.0.0', 'starting'], ['4.0.0-rc1', 'running']] as const) {
    await jobs.insert({ id: `adder-${version}`, name: 'adder', version, status, infrastructureTarget: 'local', addresses: ['127.0.0.1:1'] });
  }
});

after(async () => { await testApp?.close(); });

test('latest and wildcards resolve among running versions only; exact versions resolve in any status', async () => {
  const latest = await app.inject({ url: '/lifecycle/api/v1/job/adder/latest' });
  assert.equal(latest.statusCode, 200);
  assert.equal(latest.json().version, '1.0.0');
  assert.equal(latest.json().pub_url, 'http://pub.example/pub/job/adder/1.0.0');
  assert.equal((await app.inject({ url: '/lifecycle/api/v1/job/adder/x' })).json().version, '1.0.0');
  assert.equal((await app.inject({ url: '/lifecycle/api/v1/job/adder/2.0.0' })).json().status, 'error');
  const missing = await app.inject({ url: '/lifecycle/api/v1/job/adder/9.x' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'JOB_NOT_FOUND');
  assert.match(missing.json().error, /1\.0\.0 \(running\)/);
});

test('the job list carries replica addresses and never a secret', async () => {
  const list = await app.inject({ url: '/lifecycle/api/v1/job' });
  assert.equal(list.statusCode, 200);
  const jobs = list.json() as Record<string, unknown>[];
  assert.equal(jobs.length, 4);
  assert.deepEqual(jobs[0]?.['replica_internal_names'], ['127.0.0.1:1']);
  assert.ok(!list.body.includes('secret_runtime_env'));
});

test('deploy requests are checked before anything is recorded: 400 for the body, 409 for an existing version', async () => {
  const noManifest = await app.inject({ method: 'POST', url: '/lifecycle/api/v1/deploy', payload: { force: true } });
  assert.equal(noManifest.statusCode, 400);
  const manifest = { name: 'adder', version: '1.0.0', owner_email: 'a@b.c', jobtype: 'node:latest', git: { remote: 'https://example.com/a' } };
  const existing = await app.inject({ method: 'POST', url: '/lifecycle/api/v1/deploy', payload: { manifest } });
  assert.equal(existing.statusCode, 409);
  assert.equal(existing.json().code, 'ALREADY_EXISTS');
  const listed = await app.inject({ url: '/lifecycle/api/v1/deploy' });
  assert.deepEqual(listed.json(), []);
  assert.equal((await app.inject({ url: '/lifecycle/api/v1/deploy/nope' })).statusCode, 404);
});

test('info and health describe the service', async () => {
  const info = (await app.inject({ url: '/lifecycle/api/v1/info' })).json();
  assert.equal(info.external_pub_url, 'http://pub.example/pub');
  assert.equal(info.auth_required, false);
  const health = await app.inject({ url: '/lifecycle/health' });
  assert.equal(health.json().database_connected, true);
  const docs = await app.inject({ url: '/lifecycle/docs/json' });
  assert.ok(Object.keys(docs.json().paths).includes('/lifecycle/api/v1/deploy'));
  assert.equal((await app.inject({ url: '/lifecycle/' })).headers.location, '/lifecycle/docs/');
  const metrics = await app.inject({ url: '/lifecycle/metrics' });
  assert.match(metrics.body, /jobs_count_by_status\{status="running"\} 2/);
});
