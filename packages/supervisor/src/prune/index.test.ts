/** @module The supervisor prunes the build cache periodically: builds of registered jobs stay, others go. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create as createTar } from 'tar';
import { createBuilder } from '@racetrack/builder';
import { createLogger } from '@racetrack/core';
import { jobRepository, openDatabase } from '@racetrack/db';
import type { JobType } from '@racetrack/job-types';
import { createSupervisor } from '../index.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => { for (const cleanup of cleanups.reverse()) await cleanup(); });

/** A job type that only copies the source, so a build takes milliseconds. */
const copyJobType: JobType = {
  name: 'copy',
  version: '1.0.0',
  validate: () => [],
  cacheKeyExtras: () => [],
  async buildLocal({ sourceDir, workspaceDir }) {
    await cp(sourceDir, workspaceDir, { recursive: true });
    return { kind: 'process', cwd: workspaceDir, command: process.execPath, args: ['main.js'] };
  },
};

async function archiveOf(root: string, content: string): Promise<string> {
  const dir = await mkdtemp(path.join(root, 'src-'));
  await writeFile(path.join(dir, 'main.js'), content);
  const chunks: Buffer[] = [];
  for await (const chunk of createTar({ gzip: true, cwd: dir }, ['.']) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('base64');
}

test('a periodic prune pass keeps the builds of registered jobs and deletes the others', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'rt-supervisor-prune-'));
  const database = await openDatabase({ dataDir: path.join(root, 'db') });
  cleanups.push(async () => {
    await database.close();
    await rm(root, { recursive: true, force: true });
  });
  const dataDir = path.join(root, 'data');
  await mkdir(dataDir);
  const builder = createBuilder({ dataDir, jobTypes: [copyJobType] });
  const build = async (name: string, content: string) => builder.build({
    deploymentId: name, manifest: { name, version: '1.0.0', jobtype: 'copy:latest' }, source: { kind: 'archive', base64TarGz: await archiveOf(root, content) },
    buildEnv: {}, noCache: false, onLog: () => undefined, onPhase: () => undefined,
  });
  const kept = await build('kept', 'console.log(1)');
  const byArtefact = await build('by-artefact', 'console.log(2)');
  const dropped = await build('dropped', 'console.log(3)');
  const jobs = jobRepository(database.db);
  await jobs.insert({ id: 'kept-id', name: 'kept', version: '1.0.0', status: 'running', infrastructureTarget: 'local', imageTag: kept.contentHash ?? null });
  // A row without a tag still keeps the workspace its artefact runs in.
  await jobs.insert({
    id: 'artefact-id', name: 'by-artefact', version: '1.0.0', status: 'running', infrastructureTarget: 'local',
    artefact: byArtefact.artefact as unknown as Record<string, unknown>,
  });

  const supervisor = createSupervisor({
    database, drivers: new Map(), logger: createLogger('prune-test', { level: 'silent' }), intervalMs: 60_000,
    // Age 0: the builds above are seconds old, younger than the builder's default safety age.
    pruneBuilds: (keep) => builder.prune(keep, 0), pruneIntervalMs: 20,
  });
  cleanups.unshift(() => supervisor.stop());
  await supervisor.start();
  const builds = async () => (await readdir(path.join(dataDir, 'builds'))).filter((name) => name !== '.tmp').sort();
  const deadline = Date.now() + 10_000;
  while ((await builds()).includes(dropped.contentHash as string) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(await builds(), [kept.contentHash, byArtefact.contentHash].sort());
  assert.deepEqual(await supervisor.prune(), [], 'a second pass finds nothing more to remove');
});
