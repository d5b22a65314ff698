import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from './index.ts';
import { jobRepository } from '../jobs/index.ts';
import { deploymentRepository } from '../deployments/index.ts';

const dirs: string[] = [];
const open: Database[] = [];
after(async () => {
  for (const db of open) await db.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** The same checks on every engine available: PGlite always, PostgreSQL when CI gives a URL. */
const engines: [string, () => Promise<Database>][] = [
  ['pglite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rt-db-'));
    dirs.push(dir);
    return openDatabase({ dataDir: dir });
  }],
];
const postgresUrl = process.env['RACETRACK_TEST_POSTGRES_URL'];
if (postgresUrl) engines.push(['postgres', () => openDatabase({ url: postgresUrl })]);

for (const [engine, openIt] of engines) {
  test(`${engine}: jobs are stored, listed, updated and moved to trash`, async () => {
    const database = await openIt();
    open.push(database);
    const repo = jobRepository(database.db);
    const name = `adder-${Math.random().toString(36).slice(2, 8)}`;
    const row = await repo.insert({
      id: crypto.randomUUID(), name, version: '1.0.0', status: 'starting', infrastructureTarget: 'local',
      manifest: { name, version: '1.0.0' }, replicas: 2, addresses: ['127.0.0.1:1234'],
    });
    assert.equal(row.status, 'starting');
    assert.deepEqual(row.addresses, ['127.0.0.1:1234']);
    const updated = await repo.update(row.id, { status: 'running' });
    assert.equal(updated?.status, 'running');
    assert.equal((await repo.find(name, '1.0.0'))?.replicas, 2);
    await assert.rejects(repo.insert({ id: crypto.randomUUID(), name, version: '1.0.0', status: 'starting', infrastructureTarget: 'local' }));
    await repo.moveToTrash(updated!);
    assert.equal(await repo.find(name, '1.0.0'), undefined);
    assert.equal((await repo.findDeleted(name, '1.0.0'))?.name, name);
  });

  test(`${engine}: deployments keep phases and build logs readable from an offset`, async () => {
    const database = await openIt();
    open.push(database);
    const repo = deploymentRepository(database.db);
    const id = crypto.randomUUID();
    await repo.create({ id, jobName: 'adder', jobVersion: '1.0.0' });
    await repo.appendLogs(id, 'line one ü\n');
    const first = await repo.readLogs(id, 0);
    assert.deepEqual(first, { logs: 'line one ü\n', offset: 11 });
    await repo.appendLogs(id, 'line two\n');
    assert.deepEqual(await repo.readLogs(id, first!.offset), { logs: 'line two\n', offset: 20 });
    assert.equal((await repo.findInProgress('adder', '1.0.0', new Date(Date.now() - 60_000)))?.id, id);
    const failed = await repo.failStale(new Date(Date.now() + 1000), 'halted due to server restart');
    assert.ok(failed.some((d) => d.id === id));
    assert.equal((await repo.get(id))?.status, 'failed');
  });
}

test('pglite: reopening the same data dir keeps the data and skips applied migrations', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rt-db-'));
  dirs.push(dir);
  const first = await openDatabase({ dataDir: dir });
  await jobRepository(first.db).insert({ id: 'j1', name: 'kept', version: '1.0.0', status: 'running', infrastructureTarget: 'local' });
  await first.close();
  const second = await openDatabase({ dataDir: dir });
  open.push(second);
  assert.equal((await jobRepository(second.db).find('kept', '1.0.0'))?.id, 'j1');
  assert.equal(await second.ping(), true);
});
