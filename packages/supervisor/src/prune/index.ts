/** @module Periodic pruning of the build cache: workspaces no registered job uses are deleted, so the data dir stops growing. */
import { describeError, type Logger } from '@racetrack/core';
import type { JobRepository, JobRow } from '@racetrack/db';
import type { InfraDriver, RegisteredBuild } from '@racetrack/infra';

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

/**
 * One prune pass: reads the registry, then prunes the build cache and what each driver keeps per build (docker: job
 * images); never throws (a failure is logged, and one driver failing does not stop the others). Returns all removed.
 */
export async function pruneOnce(jobs: JobRepository, prune: PruneBuilds | undefined, drivers: ReadonlyMap<string, InfraDriver>, logger: Logger): Promise<readonly string[]> {
  let keep: Set<string>;
  let registered: RegisteredBuild[];
  try {
    const rows = await jobs.list();
    keep = buildsInUse(rows);
    registered = rows.map((row) => ({ jobName: row.name, version: row.version, contentHash: row.imageTag }));
  } catch (error) {
    logger.error({ err: describeError(error) }, 'cannot read the registry to prune builds');
    return [];
  }
  const removed: string[] = [];
  const parts: Array<[string, () => Promise<readonly string[]>]> = [];
  if (prune) parts.push(['the build cache', () => prune(keep)]);
  for (const [target, driver] of drivers) {
    const pruneTarget = driver.prune?.bind(driver);
    if (pruneTarget) parts.push([`the ${target} target`, () => pruneTarget(registered)]);
  }
  for (const [what, run] of parts) {
    try {
      const gone = await run();
      if (gone.length > 0) logger.info({ removed: gone.length }, `pruned ${what}: builds no registered job uses`);
      removed.push(...gone);
    } catch (error) {
      logger.error({ err: describeError(error) }, `pruning ${what} failed`);
    }
  }
  return removed;
}
