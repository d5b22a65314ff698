/** @module The job listing's ETag: PUB's conditional refreshes get 304 while nothing changed. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { jobRepository, type Database } from '@racetrack/db';
import { startLifecycleTestApp, type LifecycleTestApp } from '../service/test-app.ts';

let testApp: LifecycleTestApp;
let database: Database;
let app: FastifyInstance;

before(async () => {
  testApp = await startLifecycleTestApp();
  ({ app, database } = testApp);
});

after(async () => { await testApp?.close(); });

test('the job list has an ETag; If-None-Match with it is 304 until the list changes', async () => {
  const jobs = jobRepository(database.db);
  await jobs.insert({ id: 'adder-1.0.0', name: 'adder', version: '1.0.0', status: 'starting', infrastructureTarget: 'local', addresses: ['127.0.0.1:1'] });
  const first = await app.inject({ url: '/lifecycle/api/v1/job' });
  assert.equal(first.statusCode, 200);
  assert.equal((first.json() as unknown[]).length, 1);
  const etag = first.headers['etag'];
  assert.match(String(etag), /^"[A-Za-z0-9_-]+"$/);

  const unchanged = await app.inject({ url: '/lifecycle/api/v1/job', headers: { 'if-none-match': String(etag) } });
  assert.equal(unchanged.statusCode, 304);
  assert.equal(unchanged.body, '');
  assert.equal(unchanged.headers['etag'], etag);
  const listed = await app.inject({ url: '/lifecycle/api/v1/job', headers: { 'if-none-match': `"other", W/${String(etag)}` } });
  assert.equal(listed.statusCode, 304, 'a weak form of the tag among others matches too');

  await jobs.insert({ id: 'adder-2.0.0', name: 'adder', version: '2.0.0', status: 'running', infrastructureTarget: 'local', addresses: ['127.0.0.1:2'] });
  const changed = await app.inject({ url: '/lifecycle/api/v1/job', headers: { 'if-none-match': String(etag) } });
  assert.equal(changed.statusCode, 200);
  assert.equal((changed.json() as unknown[]).length, 2);
  assert.notEqual(changed.headers['etag'], etag);
});
