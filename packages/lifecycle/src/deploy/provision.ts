/** @module Starts a registered job version's instances through its driver and waits until they serve. */
import { RacetrackError, describeError } from '@racetrack/core';
import type { JobRow } from '@racetrack/db';
import type { InfraDriver, JobArtefact } from '@racetrack/infra';
import { buildRuntimeEnv } from '../jobs/runtime-env.ts';
import type { LifecycleContext } from '../service/types.ts';
import { waitUntilReady } from './wait-ready.ts';

/** The driver of a target, or a 400 naming the known targets. */
export function driverFor(ctx: LifecycleContext, target: string): InfraDriver {
  const driver = ctx.drivers.get(target);
  if (!driver) {
    throw new RacetrackError('INFRASTRUCTURE_UNKNOWN',
      `infrastructure target "${target}" is not available; available targets: ${[...ctx.drivers.keys()].join(', ') || 'none'}`);
  }
  return driver;
}

export interface ProvisionOptions {
  onPhase?: (phase: string) => void;
  /** Target to start on, when it differs from the row's (move). */
  target?: string;
  /**
   * Zero-downtime redeploy: the running instances keep serving until the new ones answer /ready and their
   * addresses are in the registry; they stop `retireDelayMs` later, once PUB has picked up the new ones.
   */
  replaceRunning?: boolean;
  /** The deployment asked for `--no-cache`: passed to the driver, which may build an image (docker). */
  noCache?: boolean;
  /** What the driver runs when it differs from the row's stored artefact (the image its `prepare` built). */
  artefact?: JobArtefact;
}

/** Starts `row.replicas` instances with a fresh deployment timestamp, waits for /live and /ready, marks the job running. */
export async function provisionJob(ctx: LifecycleContext, row: JobRow, options: ProvisionOptions = {}): Promise<JobRow> {
  if (!row.artefact) throw new RacetrackError('INTERNAL', `job ${row.name} ${row.version} has no build artefact to start`);
  const target = options.target ?? row.infrastructureTarget;
  const driver = driverFor(ctx, target);
  const key = `${row.name}@${row.version}`;
  const keepPrevious = options.replaceRunning === true && driver.retirePrevious !== undefined;
  // Instances an earlier redeploy replaced and not stopping yet stay aside with the current ones and stop
  // with them once this deploy's instances serve: stopping them now races nothing, but waiting would cost seconds.
  if (keepPrevious) await ctx.retiring.get(key)?.postpone();
  const deploymentTimestamp = Math.floor(Date.now() / 1000);
  await ctx.jobs.update(row.id, { deploymentTimestamp });
  const env = buildRuntimeEnv({
    name: row.name,
    version: row.version,
    deploymentTimestamp,
    gitVersion: row.gitVersion,
    racetrackVersion: ctx.config.racetrackVersion,
    jobTypeVersion: row.jobTypeVersion ?? '',
    internalPubUrl: ctx.config.internalPubUrl,
    manifestYaml: row.manifestYaml ?? '',
    runtimeEnv: row.runtimeEnv,
    secretRuntimeEnv: row.secretRuntimeEnv ? ctx.secretBox.open(row.secretRuntimeEnv) : {},
  });
  options.onPhase?.('starting Job server');
  const resources = (row.manifest?.['resources'] ?? undefined) as Record<string, string> | undefined;
  const instances = await driver.deploy({
    jobName: row.name,
    version: row.version,
    replicas: row.replicas,
    artefact: options.artefact ?? (row.artefact as unknown as JobArtefact),
    env,
    deploymentTimestamp,
    ...(resources ? { resources } : {}),
    ...(options.noCache ? { noCache: true } : {}),
  }, keepPrevious ? { keepPrevious: true } : {});
  const addresses = [...instances].sort((a, b) => a.replica - b.replica).map((i) => i.address);
  try {
    await waitUntilReady({
      driver,
      jobName: row.name,
      version: row.version,
      addresses,
      deploymentTimestamp,
      aliveTimeoutMs: ctx.config.jobAliveTimeoutMs,
      readyTimeoutMs: ctx.config.jobReadyTimeoutMs,
      onAlive: () => options.onPhase?.('initializing Job entrypoint'),
    });
  } catch (error) {
    // The job goes to error with the new instances (as a plain redeploy would); the old ones stop now.
    if (keepPrevious) await retire(ctx, driver, row.name, row.version, 0);
    throw error;
  }
  const updated = await ctx.jobs.update(row.id, {
    status: 'running', error: null, addresses, everRunning: true, infrastructureTarget: target,
  });
  if (keepPrevious) retire(ctx, driver, row.name, row.version, ctx.config.retireDelayMs);
  if (!updated) throw new RacetrackError('JOB_NOT_FOUND', `job ${row.name} ${row.version} was deleted while it was starting`);
  return updated;
}

/** Stops the replaced instances of name@version after `delayMs`; tracked in ctx.retiring, never rejects. */
function retire(ctx: LifecycleContext, driver: InfraDriver, name: string, version: string, delayMs: number): Promise<void> {
  const key = `${name}@${version}`;
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { settle = resolve; });
  const forget = () => {
    if (ctx.retiring.get(key)?.done === done) ctx.retiring.delete(key);
    settle();
  };
  const stop = () => {
    stopping = Promise.resolve()
      .then(() => driver.retirePrevious?.(name, version))
      .catch((error: unknown) => ctx.logger.warn({ job: name, version, err: describeError(error) }, 'could not stop replaced job instances'))
      .finally(forget);
  };
  timer = setTimeout(stop, delayMs);
  ctx.retiring.set(key, {
    done,
    postpone: async () => {
      if (stopping) return stopping;
      clearTimeout(timer);
      timer = undefined;
      forget();
    },
  });
  return done;
}

/** Last lines of a job's output, for error messages; never throws. */
export async function recentJobLogs(driver: InfraDriver, name: string, version: string, lines: number): Promise<string> {
  try {
    return (await driver.readLogs(name, version, lines)).trimEnd();
  } catch {
    return '';
  }
}
