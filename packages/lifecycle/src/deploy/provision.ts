/** @module Starts a registered job version's instances through its driver and waits until they serve. */
import { RacetrackError } from '@racetrack/core';
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
}

/** Starts `row.replicas` instances with a fresh deployment timestamp, waits for /live and /ready, marks the job running. */
export async function provisionJob(ctx: LifecycleContext, row: JobRow, options: ProvisionOptions = {}): Promise<JobRow> {
  if (!row.artefact) throw new RacetrackError('INTERNAL', `job ${row.name} ${row.version} has no build artefact to start`);
  const target = options.target ?? row.infrastructureTarget;
  const driver = driverFor(ctx, target);
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
    artefact: row.artefact as unknown as JobArtefact,
    env,
    deploymentTimestamp,
    ...(resources ? { resources } : {}),
  });
  const addresses = [...instances].sort((a, b) => a.replica - b.replica).map((i) => i.address);
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
  const updated = await ctx.jobs.update(row.id, {
    status: 'running', error: null, addresses, everRunning: true, infrastructureTarget: target,
  });
  if (!updated) throw new RacetrackError('JOB_NOT_FOUND', `job ${row.name} ${row.version} was deleted while it was starting`);
  return updated;
}

/** Last lines of a job's output, for error messages; never throws. */
export async function recentJobLogs(driver: InfraDriver, name: string, version: string, lines: number): Promise<string> {
  try {
    return (await driver.readLogs(name, version, lines)).trimEnd();
  } catch {
    return '';
  }
}
