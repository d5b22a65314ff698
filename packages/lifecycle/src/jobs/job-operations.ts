/** @module Job queries and operations behind the /job endpoints: lookup with aliases, delete, move, logs, respawn. */
import { RacetrackError, compareVersionsDesc, describeError, isVersionAlias, resolveVersion } from '@racetrack/core';
import type { JobRow } from '@racetrack/db';
import { driverFor, provisionJob } from '../deploy/provision.ts';
import type { LifecycleContext } from '../service/types.ts';

/** A job version by exact version or alias; aliases resolve among running versions only. */
export async function findJob(ctx: LifecycleContext, name: string, requested: string): Promise<JobRow> {
  const versions = await ctx.jobs.listVersions(name);
  if (versions.length === 0) throw new RacetrackError('JOB_NOT_FOUND', `job "${name}" is not deployed`);
  if (!isVersionAlias(requested)) {
    const exact = versions.find((v) => v.version === requested);
    if (exact) return exact;
  } else {
    const running = versions.filter((v) => v.status === 'running').map((v) => v.version);
    const resolved = resolveVersion(requested, running);
    const match = resolved ? versions.find((v) => v.version === resolved) : undefined;
    if (match) return match;
  }
  const known = versions.map((v) => `${v.version} (${v.status})`).sort((a, b) => compareVersionsDesc(a, b));
  throw new RacetrackError('JOB_NOT_FOUND',
    `job "${name}" has no ${isVersionAlias(requested) ? 'running version matching' : 'version'} "${requested}"; versions: ${known.join(', ')}`);
}

/** Stops a job version everywhere and moves its record to the trash. */
export async function deleteJob(ctx: LifecycleContext, row: JobRow): Promise<void> {
  const driver = ctx.drivers.get(row.infrastructureTarget);
  if (driver) await driver.remove(row.name, row.version);
  await ctx.jobs.moveToTrash(row);
  ctx.logger.info({ job: row.name, version: row.version }, 'job deleted');
}

/** Starts the job on another target, then removes it from the former one. */
export async function moveJob(ctx: LifecycleContext, row: JobRow, target: unknown): Promise<JobRow> {
  if (typeof target !== 'string' || target === '') {
    throw new RacetrackError('BAD_REQUEST', 'body must be {"infrastructure_target": "<target name>"}');
  }
  if (target === row.infrastructureTarget) {
    throw new RacetrackError('BAD_REQUEST', `job ${row.name} ${row.version} already runs on "${target}"; pick another target`);
  }
  driverFor(ctx, target);
  // A job type may refuse a target (docker-proxy cannot run as a local process): say so before touching anything.
  ctx.jobTypes.resolve(String(row.manifest?.['jobtype'])).validate({ ...row.manifest, infrastructure_target: target });
  const former = ctx.drivers.get(row.infrastructureTarget);
  await ctx.jobs.update(row.id, { status: 'starting' });
  let moved: JobRow;
  try {
    moved = await provisionJob(ctx, row, { target });
  } catch (error) {
    // The former instances still serve: undo the half-started move and keep the job where it was.
    await ctx.jobs.update(row.id, { status: row.status, error: `moving to "${target}" failed: ${describeError(error)}` });
    await ctx.drivers.get(target)?.remove(row.name, row.version).catch((cleanupError: unknown) =>
      ctx.logger.error({ job: row.name, version: row.version, target, err: describeError(cleanupError) },
        'could not remove the instances started by a failed move'));
    throw error;
  }
  if (former) await former.remove(row.name, row.version);
  return moved;
}

/** Starts the instances of a job version again from its stored artefact, synchronously (POST .../reprovision). */
export async function reprovisionJob(ctx: LifecycleContext, row: JobRow): Promise<JobRow> {
  await ctx.jobs.update(row.id, { status: 'starting' });
  try {
    return await provisionJob(ctx, row);
  } catch (error) {
    await ctx.jobs.update(row.id, { status: 'error', error: describeError(error) });
    throw error;
  }
}

/** Starts a registered job again from its stored artefact (used by the supervisor after a restart). */
export async function respawnJob(ctx: LifecycleContext, row: JobRow): Promise<void> {
  await provisionJob(ctx, row);
}

/** Last `tail` lines of the job's output (0 = all). */
export async function readJobLogs(ctx: LifecycleContext, row: JobRow, tail: number): Promise<string> {
  return driverFor(ctx, row.infrastructureTarget).readLogs(row.name, row.version, tail);
}

/** Build logs of the job version's latest deployment, last `tail` lines (0 = all). */
export async function readJobBuildLogs(ctx: LifecycleContext, row: JobRow, tail: number): Promise<string> {
  const deployment = await ctx.deployments.latestFor(row.name, row.version);
  if (!deployment) return '';
  if (tail <= 0) return deployment.buildLogs;
  const lines = deployment.buildLogs.replace(/\n$/, '').split('\n');
  return `${lines.slice(-tail).join('\n')}\n`;
}
