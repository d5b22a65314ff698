/** @module Public surface of @racetrack/supervisor: the reconcile loop between the registry and the drivers. */
import { createLogger, describeError, type Logger } from '@racetrack/core';
import { deploymentRepository, jobRepository, type Database, type JobRow } from '@racetrack/db';
import type { InfraDriver } from '@racetrack/infra';
import { Backoff, type BackoffOptions } from './backoff/index.ts';
import { reconcileOnce } from './reconcile/index.ts';
import { recoverInterrupted } from './recover/index.ts';
import { pruneOnce, type PruneBuilds } from './prune/index.ts';

export { Backoff, type BackoffOptions } from './backoff/index.ts';
export { haltedMessage } from './recover/index.ts';
export { buildsInUse, type PruneBuilds } from './prune/index.ts';

export interface SupervisorOptions {
  database: Database;
  drivers: ReadonlyMap<string, InfraDriver>;
  /** Pause between reconcile passes. Default 1000 ms. */
  intervalMs?: number;
  /** Starts a registered job the driver has no instance of (lifecycle's respawn); absent = mark it lost. */
  respawn?: (row: JobRow) => Promise<void>;
  /** In-progress deployments older than this fail at start. 0 when lifecycle runs in this process. Default 1 h. */
  staleDeploymentAgeMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Targets whose orphaned instances are removed (default: `local`, which is private to one data dir). */
  ownedTargets?: readonly string[];
  /** Jobs a deployment in progress owns right now (lifecycle's isDeploying): left alone until it ends. */
  skip?: (row: JobRow) => boolean;
  /** Deletes cached builds not in the given set (the builder's prune); absent = the build cache is never pruned. */
  pruneBuilds?: PruneBuilds;
  /** How long a target may fail to list its instances before its jobs show an error naming it. Default 5 s. */
  unreachableGraceMs?: number;
  /** Pause between prune passes (the first one runs this long after start). Default 1 h. */
  pruneIntervalMs?: number;
  logger?: Logger;
}

export interface Supervisor {
  /** Recovers interrupted deployments, reconciles once (adopt survivors, remove orphans), then loops. */
  start(): Promise<void>;
  /** One reconcile pass now. */
  reconcile(): Promise<void>;
  /** One prune pass now (build cache and the drivers' per-build artefacts); what was removed. */
  prune(): Promise<readonly string[]>;
  stop(): Promise<void>;
}

/** Creates the supervisor; nothing runs until start(). */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const logger = options.logger ?? createLogger('supervisor');
  const jobs = jobRepository(options.database.db);
  const deployments = deploymentRepository(options.database.db);
  const backoff = new Backoff({ initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000, ...options.backoff });
  const respawning = new Set<string>();
  const warming = new Set<string>();
  const unreachable = new Map<string, { since: number; reason: string }>();
  const intervalMs = options.intervalMs ?? 1000;
  const ownedTargets = new Set(options.ownedTargets ?? ['local']);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<readonly string[]> | undefined;

  const prunes = options.pruneBuilds !== undefined || [...options.drivers.values()].some((driver) => driver.prune);
  const prune = (): Promise<readonly string[]> => {
    if (!prunes) return Promise.resolve([]);
    // One pass at a time: a slow disk must not stack passes up.
    pruning ??= pruneOnce(jobs, options.pruneBuilds, options.drivers, logger).finally(() => { pruning = undefined; });
    return pruning;
  };
  const schedulePrune = (): void => {
    if (!prunes || stopped) return;
    pruneTimer = setTimeout(() => void prune().finally(schedulePrune), options.pruneIntervalMs ?? 3_600_000);
    pruneTimer.unref();
  };

  const reconcile = (): Promise<void> => {
    // Passes never overlap; a failed pass doesn't block the next one.
    const pass = current.then(() => reconcileOnce({
      jobs, drivers: options.drivers, backoff, logger, respawning, warming, ownedTargets,
      unreachable, unreachableGraceMs: options.unreachableGraceMs ?? 5000,
      ...(options.respawn ? { respawn: options.respawn } : {}),
      ...(options.skip ? { skip: options.skip } : {}),
    }));
    current = pass.catch(() => undefined);
    return pass;
  };
  const loop = (): void => {
    timer = setTimeout(() => {
      reconcile()
        .catch((error: unknown) => logger.error({ err: describeError(error) }, 'reconcile pass failed'))
        .finally(() => { if (!stopped) loop(); });
    }, intervalMs);
  };
  return {
    async start() {
      await recoverInterrupted({
        jobs, deployments, drivers: options.drivers, logger, staleAgeMs: options.staleDeploymentAgeMs ?? 3_600_000,
      });
      await reconcile();
      if (!stopped) loop();
      schedulePrune();
    },
    reconcile,
    prune,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(pruneTimer);
      await current;
      await pruning;
    },
  };
}
