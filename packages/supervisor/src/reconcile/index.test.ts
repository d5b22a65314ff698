import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RacetrackError, createLogger } from '@racetrack/core';
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

test('jobs on a target that stops answering show an error naming it, and come back when it answers again', async () => {
  const { database, driver } = await setUp();
  const jobs = jobRepository(database.db);
  const [instance] = await driver.deploy(spec('outage'));
  const row = await jobs.insert({
    id: 'outage-id', name: 'outage', version: '1.0.0', status: 'running', infrastructureTarget: 'local', addresses: [instance!.address],
  });
  // The engine goes away (as a stopped Docker daemon would): listing fails and its instances die with it.
  let down = true;
  const flaky: InfraDriver = {
    name: driver.name,
    deploy: (s) => driver.deploy(s),
    remove: (name, version) => driver.remove(name, version),
    restart: (name, version, replica) => driver.restart(name, version, replica),
    readLogs: (name, version, tail) => driver.readLogs(name, version, tail),
    followLogs: (name, version, onLine) => driver.followLogs(name, version, onLine),
    close: () => driver.close(),
    list: async () => {
      if (down) throw new RacetrackError('UNAVAILABLE', 'cannot list job containers: the Docker Engine does not answer (ECONNREFUSED)');
      return driver.list();
    },
  };
  process.kill(Number(instance!.id), 'SIGKILL');
  // The kill lands asynchronously: wait until the driver itself sees the instance dead, as after a real outage.
  const killedBy = Date.now() + 15_000;
  while ((await driver.list()).some((i) => i.jobName === 'outage' && i.state === 'running') && Date.now() < killedBy) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const supervisor = createSupervisor({
    database, drivers: new Map([['local', flaky]]), logger: quiet, backoff: { initialMs: 10 }, unreachableGraceMs: 0,
  });
  await supervisor.reconcile();
  const during = await jobs.findById(row.id);
  assert.equal(during?.status, 'error');
  assert.match(during?.error ?? '', /infrastructure target "local" does not answer since .*ECONNREFUSED.*restarts the job when the target answers again/);

  down = false;
  const deadline = Date.now() + 15_000;
  let healed = await jobs.findById(row.id);
  while (Date.now() < deadline) {
    await supervisor.reconcile();
    healed = await jobs.findById(row.id);
    if (healed?.status === 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(healed?.status, 'running');
  assert.equal(healed?.error, null);
  assert.equal(healed?.restarts, 1);
  assert.deepEqual((await driver.list()).map((i) => [i.jobName, i.state]), [['outage', 'running']]);
  await supervisor.stop();
});
