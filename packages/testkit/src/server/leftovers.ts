/** @module Finds (and kills) job processes a test left behind, from the local driver's state files. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
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
    if (state.pid && alive(state.pid)) pids.push(state.pid);
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
