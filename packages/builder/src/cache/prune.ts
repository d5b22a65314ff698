/** @module Removes cache entries no job uses any more, so `<dataDir>/builds` does not grow forever. */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Entries younger than this are kept: their deployment may not have recorded its content hash yet. */
export const pruneMinimumAgeMs = 60 * 60 * 1000;

/**
 * Deletes `<buildsDir>/<hash>` for every hash not in `keep` whose entry is older than `minimumAgeMs`.
 * `withLock` serialises the deletion with any build of the same hash. Returns the hashes removed.
 */
export async function pruneCache(
  buildsDir: string,
  keep: ReadonlySet<string>,
  withLock: (hash: string, work: () => Promise<void>) => Promise<void>,
  minimumAgeMs = pruneMinimumAgeMs,
): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(buildsDir).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{64}$/.test(name) || keep.has(name)) continue;
    await withLock(name, async () => {
      const info = await stat(path.join(buildsDir, name)).catch(() => undefined);
      if (!info || Date.now() - info.mtimeMs < minimumAgeMs) return;
      await rm(path.join(buildsDir, name), { recursive: true, force: true, maxRetries: 3 });
      removed.push(name);
    });
  }
  return removed;
}
