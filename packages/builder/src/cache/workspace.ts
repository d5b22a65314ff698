/**
 * @module Cache entries under `<dataDir>/builds/<contentHash>`: built in a temp dir and published by an
 * atomic rename, so a crash never leaves a half-built entry that looks complete.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobArtefact } from '@racetrack/infra';

/** What a finished build records beside its files, read back on a cache hit. */
export interface BuildRecord {
  artefact: JobArtefact;
  jobTypeVersion: string;
  warnings: string[];
  builtAt: string;
}

/** Name of the record file inside a published workspace. */
export const recordFile = '.racetrack-build.json';

/** The directory layout of the build cache. */
export function cachePaths(dataDir: string, contentHash: string): { workspaceDir: string; tempRoot: string } {
  return { workspaceDir: path.join(dataDir, 'builds', contentHash), tempRoot: path.join(dataDir, 'builds', '.tmp') };
}

/** The record of a published workspace, or undefined when there is none (or it is unreadable). */
export async function readRecord(workspaceDir: string): Promise<BuildRecord | undefined> {
  const text = await readFile(path.join(workspaceDir, recordFile), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as BuildRecord;
  } catch {
    return undefined;
  }
}

/** A fresh, empty scratch directory under the cache's temp root. */
export async function makeTempDir(tempRoot: string, label: string): Promise<string> {
  const dir = path.join(tempRoot, `${label}-${Date.now()}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Moves the built `tempWorkspace` to `workspaceDir` with its record; paths in the artefact are rewritten
 * from the temp location to the final one. An existing entry is replaced (rebuilds with --no-cache).
 */
export async function publishWorkspace(tempWorkspace: string, workspaceDir: string, record: BuildRecord): Promise<BuildRecord> {
  const published = { ...record, artefact: relocate(record.artefact, tempWorkspace, workspaceDir) };
  await writeFile(path.join(tempWorkspace, recordFile), `${JSON.stringify(published, null, 2)}\n`);
  try {
    await rename(tempWorkspace, workspaceDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    // An older entry is in the way: swap it out first; both renames are atomic.
    const retired = `${tempWorkspace}.retired`;
    await rename(workspaceDir, retired);
    await rename(tempWorkspace, workspaceDir);
    await rm(retired, { recursive: true, force: true });
  }
  return published;
}

function relocate(artefact: JobArtefact, from: string, to: string): JobArtefact {
  if (artefact.kind !== 'process') return artefact;
  const move = (value: string): string => (value === from || value.startsWith(`${from}${path.sep}`) ? to + value.slice(from.length) : value);
  return { ...artefact, cwd: move(artefact.cwd), args: artefact.args.map(move) };
}
