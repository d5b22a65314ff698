import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@racetrack/core';
import { createBuilder } from '@racetrack/builder';
import { openDatabase } from '@racetrack/db';
import { createLocalDriver, type InfraDriver } from '@racetrack/infra';
import { builtinJobTypes, createJobTypeRegistry } from '@racetrack/job-types';
import { packDirectory, readManifest, repoRoot } from '@racetrack/testkit';
import { resolveLifecycleConfig } from '../config/index.ts';
import { createSecretBox } from '../secrets/secret-box.ts';
import { createLifecycle } from '../service/index.ts';
import { findJob, moveJob } from './job-operations.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => { for (const cleanup of cleanups.reverse()) await cleanup(); });

test('a job moved to another target runs there and no longer on the former one', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rt-move-'));
  const database = await openDatabase({ dataDir });
  // Two local drivers with separate state stand in for two targets.
  const drivers = new Map<string, InfraDriver>([
    ['local', createLocalDriver({ dataDir: join(dataDir, 'a'), stopGraceMs: 1000 })],
    ['other', createLocalDriver({ dataDir: join(dataDir, 'b'), stopGraceMs: 1000 })],
    // A target that cannot start anything: its data dir is a plain file.
    ['broken', createLocalDriver({ dataDir: join(dataDir, 'broken-file'), stopGraceMs: 1000 })],
  ]);
  await writeFile(join(dataDir, 'broken-file'), 'not a directory');
  cleanups.push(async () => {
    for (const driver of drivers.values()) for (const i of await driver.list()) await driver.remove(i.jobName, i.version);
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const jobTypes = createJobTypeRegistry(builtinJobTypes());
  const lifecycle = createLifecycle({
    database, builder: createBuilder({ dataDir, jobTypes }), jobTypes, drivers,
    config: resolveLifecycleConfig({}), secretBox: createSecretBox('k'), logger: createLogger('move-test', { level: 'silent' }),
  });
  const adder = join(repoRoot, 'samples/adder');
  const started = await lifecycle.deploy({ manifest: await readManifest(adder), build_context: await packDirectory(adder) });
  await started.done;
  const deployment = await lifecycle.context.deployments.get(started.id);
  assert.equal(deployment?.status, 'done', deployment?.error ?? '');

  const row = await findJob(lifecycle.context, 'adder', 'latest');
  const moved = await moveJob(lifecycle.context, row, 'other');
  assert.equal(moved.infrastructureTarget, 'other');
  assert.equal(moved.status, 'running');
  assert.deepEqual(await drivers.get('local')!.list(), []);
  const [address] = moved.addresses;
  const response = await fetch(`http://${address}/api/v1/perform`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers: [40, 2] }),
  });
  assert.equal(await response.json(), 42);
  await assert.rejects(moveJob(lifecycle.context, moved, 'other'), /already runs on "other"/);

  // A move that fails on the new target leaves the job serving where it was, with the reason recorded.
  await assert.rejects(moveJob(lifecycle.context, moved, 'broken'));
  const kept = await findJob(lifecycle.context, 'adder', '0.0.1');
  assert.equal(kept.infrastructureTarget, 'other');
  assert.equal(kept.status, 'running');
  assert.ok(kept.error, 'the failed move is recorded on the job');
  const stillServing = await fetch(`http://${kept.addresses[0]}/api/v1/perform`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbers: [1, 2] }),
  });
  assert.equal(await stillServing.json(), 3);
});
