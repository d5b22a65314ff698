/** @module A data-dir lock so two servers never share one data directory (PGlite and the job state would be corrupted). */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RacetrackError } from '@racetrack/core';

export interface DataDirLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dataDir>/server.lock`; a lock left by a dead process (kill -9) is taken over. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'server.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return {
        async release() {
          const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
          if (owner === process.pid) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (owner > 0 && alive(owner)) {
        throw new RacetrackError('ALREADY_EXISTS',
          `another racetrack server (pid ${owner}) uses the data dir ${dataDir}; stop it or pick another --data-dir`);
      }
      await rm(file, { force: true });
    }
  }
  throw new RacetrackError('UNAVAILABLE', `cannot lock the data dir ${dataDir}; remove ${file} if no server runs`);
}
