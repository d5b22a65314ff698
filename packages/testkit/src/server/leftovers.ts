/** @module Finds (and kills) job processes a test left behind, from the local driver's state files. */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** True while `pid` runs; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/** Pids of job processes still alive according to `<dataDir>/jobs/<name>/<version>/replica-<i>.json`. */
export async function liveJobProcesses(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  const root = join(dataDir, 'jobs');
  const entries = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/replica-\d+\.json$/.test(entry)) continue;
    const state = JSON.parse(await readFile(join(root, entry), 'utf8').catch(() => '{}')) as { pid?: number };
    if (state.pid && isProcessRunning(state.pid)) pids.push(state.pid);
  }
  return pids;
}

/** Kills the process groups of leftover job processes; returns how many there were. */
export async function killLeftoverJobs(dataDir: string): Promise<number> {
  const pids = await liveJobProcesses(dataDir);
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
  return pids.length;
}
