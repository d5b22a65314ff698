/**
 * @module What the local driver keeps on disk, so a restarted server finds its jobs again:
 * `<dataDir>/jobs/<name>/<version>/{spec.json, replica-<i>.json, replica-<i>.log}`.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobInstanceSpec } from '../core/driver.ts';
import type { ProcessIdentity } from './process.ts';

/** One replica's process as last started. */
export interface ReplicaState extends ProcessIdentity {
  replica: number;
  port: number;
  /** Unix milliseconds. */
  startedAt: number;
  restarts: number;
  /** Recorded when the exit was seen by a living server; null = killed by a signal; absent = not seen. */
  exitCode?: number | null;
}

/** File layout of one job version. */
export interface VersionPaths {
  dir: string;
  spec: string;
  replicaState: (replica: number) => string;
  replicaLog: (replica: number) => string;
  /** State of an instance set aside by a zero-downtime redeploy, until it is retired. */
  retiringState: (pid: number) => string;
}

/** Paths of `jobName`/`version` under `dataDir`; names are URI-encoded so no name can leave the folder. */
export function versionPaths(dataDir: string, jobName: string, version: string): VersionPaths {
  const dir = path.join(jobsDir(dataDir), encodeURIComponent(jobName), encodeURIComponent(version));
  return {
    dir,
    spec: path.join(dir, 'spec.json'),
    replicaState: (replica) => path.join(dir, `replica-${replica}.json`),
    replicaLog: (replica) => path.join(dir, `replica-${replica}.log`),
    retiringState: (pid) => path.join(dir, `retiring-${pid}.json`),
  };
}

function jobsDir(dataDir: string): string {
  return path.join(dataDir, 'jobs');
}

/** Writes JSON atomically (temp file + rename), readable only by us: specs hold the job's secrets. */
export async function writeJson(file: string, value: unknown, options: { createDir?: boolean } = {}): Promise<void> {
  if (options.createDir !== false) await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** Parsed JSON of `file`, or undefined when missing or unreadable. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Every job version that has a saved spec. */
export async function listVersions(dataDir: string): Promise<{ jobName: string; version: string }[]> {
  const found: { jobName: string; version: string }[] = [];
  for (const name of await readdir(jobsDir(dataDir)).catch(() => [] as string[])) {
    for (const version of await readdir(path.join(jobsDir(dataDir), name)).catch(() => [] as string[])) {
      found.push({ jobName: decodeURIComponent(name), version: decodeURIComponent(version) });
    }
  }
  return found;
}

/** The saved spec and the replica states of one version (replicas without a state file are skipped). */
export async function readVersion(paths: VersionPaths): Promise<{ spec: JobInstanceSpec; replicas: ReplicaState[] } | undefined> {
  const spec = await readJson<JobInstanceSpec>(paths.spec);
  if (!spec) return undefined;
  const replicas: ReplicaState[] = [];
  for (const name of await readdir(paths.dir).catch(() => [] as string[])) {
    const match = /^replica-(\d+)\.json$/.exec(name);
    if (!match) continue;
    const state = await readJson<ReplicaState>(path.join(paths.dir, name));
    if (state) replicas.push(state);
  }
  return { spec, replicas: replicas.sort((a, b) => a.replica - b.replica) };
}

/** Deletes the replica state files of a version (its logs stay). */
export async function removeReplicaStates(paths: VersionPaths): Promise<void> {
  for (const name of await readdir(paths.dir).catch(() => [] as string[])) {
    if (/^replica-\d+\.json$/.test(name)) await rm(path.join(paths.dir, name), { force: true });
  }
}

/** Instances set aside by a zero-downtime redeploy and not retired yet. */
export async function readRetiring(paths: VersionPaths): Promise<ReplicaState[]> {
  const found: ReplicaState[] = [];
  for (const name of await readdir(paths.dir).catch(() => [] as string[])) {
    if (!/^retiring-\d+\.json$/.test(name)) continue;
    const state = await readJson<ReplicaState>(path.join(paths.dir, name));
    if (state) found.push(state);
  }
  return found;
}

/**
 * Deletes everything of a version, and the job's folder once it has no versions left. With `keepLogs`
 * the replica logs stay (a graceful server stop), so the next start appends to them.
 */
export async function removeVersion(paths: VersionPaths, options: { keepLogs?: boolean } = {}): Promise<void> {
  if (options.keepLogs) {
    for (const name of await readdir(paths.dir).catch(() => [] as string[])) {
      if (!/^replica-\d+\.log(\.1)?$/.test(name)) await rm(path.join(paths.dir, name), { recursive: true, force: true });
    }
    return;
  }
  await rm(paths.dir, { recursive: true, force: true, maxRetries: 3 });
  const jobDir = path.dirname(paths.dir);
  if ((await readdir(jobDir).catch(() => ['?'])).length === 0) await rm(jobDir, { recursive: true, force: true });
}
