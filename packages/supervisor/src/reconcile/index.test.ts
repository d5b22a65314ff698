import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@racetrack/core';
import { deploymentRepository, jobRepository, openDatabase, type Database } from '@racetrack/db';
import { createLocalDriver, type InfraDriver, type JobInstanceSpec } from '@racetrack/infra';
import { createSupervisor } from '../index.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => { for (const cleanup of cleanups.reverse()) await cleanup(); });

// A tiny job: an HTTP server on $PORT (the real job runner is not needed to test reconciling).
const script = "require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')";

async function setUp(): Promise<{ database: Database; driver: InfraDriver; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rt-supervisor-'));
  const database = await openDatabase({ dataDir });
  const driver = createLocalDriver({ dataDir, stopGraceMs: 1000 });
  cleanups.push(async () => {
    for (const instance of await driver.list()) await driver.remove(instance.jobName, instance.version);
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { database, driver, dataDir };
}

function spec(jobName: string, replicas = 1): JobInstanceSpec {
  return {
    jobName, version: '1.0.0', replicas, env: {}, deploymentTimestamp: 1,
    artefact: { kind: 'process', cwd: tmpdir(), command: process.execPath, args: ['-e', script] },
  };
}

const quiet = createLogger('supervisor-test', { level: 'silent' });

test('instances unknown to the registry are removed; dead replicas of registered jobs are restarted and counted', async () => {
  const { database, driver } = await setUp();
  const jobs = jobRepository(database.db);
  await driver.deploy(spec('orphan'));
  const [kept] = await driver.deploy(spec('kept'));
  const row = await jobs.insert({
    id: 'kept-id', name: 'kept', version: '1.0.0', status: 'running', infrastructureTarget: 'local', addresses: [kept!.address],
  });
  process.kill(Number(kept!.id), 'SIGKILL');
  const supervisor = createSupervisor({ database, drivers: new Map([['local', driver]]), logger: quiet, backoff: { initialMs: 10 } });
  const deadline = Date.now() + 15_000;
  let instances = await driver.list();
  while (Date.now() < deadline) {
    await supervisor.reconcile();
    instances = await driver.list();
    const settled = (await jobs.findById(row.id))?.status === 'running';
    if (settled && instances.every((i) => i.jobName === 'kept' && i.state === 'running') && instances.length === 1) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(instances.map((i) => [i.jobName, i.state]), [['kept', 'running']]);
  const observed = await jobs.findById(row.id);
  assert.equal(observed?.status, 'running');
  assert.equal(observed?.restarts, 1);
  assert.deepEqual(observed?.addresses, [instances[0]!.address]);
  await supervisor.stop();
});

test('at start, deployments cut off by a restart fail and the half-started new job they left is removed', async () => {
  const { database, driver } = await setUp();
  const jobs = jobRepository(database.db);
  const deployments = deploymentRepository(database.db);
  await deployments.create({ id: 'd1', jobName: 'half', jobVersion: '1.0.0' });
  await driver.deploy(spec('half'));
  await jobs.insert({ id: 'half-id', name: 'half', version: '1.0.0', status: 'starting', infrastructureTarget: 'local', deploymentId: 'd1' });
  const supervisor = createSupervisor({ database, drivers: new Map([['local', driver]]), logger: quiet, staleDeploymentAgeMs: 0, intervalMs: 60_000 });
  await supervisor.start();
  await supervisor.stop();
  const deployment = await deployments.get('d1');
  assert.equal(deployment?.status, 'failed');
  assert.equal(deployment?.error, 'halted due to server restart');
  assert.equal(await jobs.findById('half-id'), undefined);
  assert.deepEqual(await driver.list(), []);
});
