/** @module Periodic pruning of the build cache: workspaces no registered job uses are deleted, so the data dir stops growing. */
import { describeError, type Logger } from '@racetrack/core';
import type { JobRepository, JobRow } from '@racetrack/db';

/** Deletes cached builds whose content hash is not in `keep`; returns the hashes removed (the builder's prune fits). */
export type PruneBuilds = (keep: ReadonlySet<string>) => Promise<readonly string[]>;

/** Content hashes of the builds registered jobs run from (the registry's image tag; for local jobs also the workspace folder). */
export function buildsInUse(rows: readonly JobRow[]): Set<string> {
  const keep = new Set<string>();
  for (const row of rows) {
    if (row.imageTag) keep.add(row.imageTag);
    const cwd = row.artefact?.['cwd'];
    // A local artefact runs in <dataDir>/builds/<hash>/...: keep that folder even if the tag says otherwise.
    const hash = typeof cwd === 'string' ? /\/builds\/([0-9a-f]{64})(?:\/|$)/.exec(cwd)?.[1] : undefined;
    if (hash) keep.add(hash);
  }
  return keep;
}

/** One prune pass: reads the registry, then prunes; never throws (a failure is logged). */
export async function pruneOnce(jobs: JobRepository, prune: PruneBuilds, logger: Logger): Promise<readonly string[]> {
  try {
    const removed = await prune(buildsInUse(await jobs.list()));
    if (removed.length > 0) logger.debug({ removed }, 'pruned build workspaces no job uses');
    return removed;
  } catch (error) {
    logger.error({ err: describeError(error) }, 'pruning the build cache failed');
    return [];
  }
}
