/**
 * @module End to end: broken jobs fail with a clear error and leave nothing behind
 * (syntax error, constructor that throws, invalid manifest).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobDto } from '@racetrack/core';
import { copyJob, deployAndWait, liveJobProcesses, readManifest, requestDeploy, startTestServer, type TestServer } from '@racetrack/testkit';
import { adderDir, fixture, getJson } from './helpers.ts';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server?.stop(); });

async function jobNames(): Promise<string[]> {
  return (await getJson<JobDto[]>(`${server.lifecycleUrl}/api/v1/job`)).body.map((j) => `${j.name}@${j.version}`);
}

test('a syntax error fails the deployment with a clear error, and no job is registered', async () => {
  const dir = await copyJob(adderDir, join(server.workDir, 'syntax'), { name: 'broken-syntax' });
  // Written here rather than kept as a fixture, so linters never trip over it.
  await writeFile(join(dir, 'job.ts'), 'export default class Broken {\n  perform(a: number): number {\n    return a +;\n  }\n}\n');
  const deployment = await deployAndWait(server.lifecycleUrl, dir);
  assert.equal(deployment.status, 'failed');
  assert.match(deployment.error ?? '', /SyntaxError/);
  assert.ok(!(await jobNames()).includes('broken-syntax@1.0.0'), 'the failed job must not stay registered');
});

test('a constructor that throws fails the deployment with its message, and no process is left', async () => {
  const deployment = await deployAndWait(server.lifecycleUrl, fixture('failing-constructor'));
  assert.equal(deployment.status, 'failed');
  assert.match(deployment.error ?? '', /model file \/nonexistent\/model\.bin is missing/);
  assert.ok(!(await jobNames()).includes('broken-constructor@1.0.0'));
  assert.deepEqual(await liveJobProcesses(server.dataDir), []);
});

test('the CLI reports a failing deployment with a non-zero exit and the reason', async () => {
  const dir = await copyJob(fixture('failing-constructor'), join(server.workDir, 'ctor-cli'), { version: '1.0.1' });
  const result = await server.cli(['deploy', dir]);
  assert.notEqual(result.code, 0);
  assert.match(result.stdout + result.stderr, /model file \/nonexistent\/model\.bin is missing/);
});

test('an invalid manifest is refused at once with 400 naming every bad field', async () => {
  const manifest = { ...(await readManifest(adderDir)), name: 'Bad_Name', version: 'one', replicas: 0, colour: 'red' };
  const { status, body } = await requestDeploy(server.lifecycleUrl, adderDir, { manifest });
  assert.equal(status, 400);
  assert.equal(body['code'], 'MANIFEST_INVALID');
  for (const field of ['name', 'version', 'replicas', 'colour']) assert.match(String(body['error']), new RegExp(field));
});

test('an unknown job type and an unknown infrastructure target are refused with 400', async () => {
  const base = await readManifest(adderDir);
  const jobType = await requestDeploy(server.lifecycleUrl, adderDir, { manifest: { ...base, jobtype: 'cobol:latest' } });
  assert.equal(jobType.status, 400);
  assert.match(String(jobType.body['error']), /cobol/);
  const target = await requestDeploy(server.lifecycleUrl, adderDir, { manifest: { ...base, infrastructure_target: 'mars' } });
  assert.equal(target.status, 400);
  assert.match(String(target.body['error']), /mars/);
});
