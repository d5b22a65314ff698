/** @module One reconcile pass: desired state (database) against actual state (drivers). */
import { describeError, type Logger } from '@racetrack/core';
import type { JobRepository, JobRow } from '@racetrack/db';
import type { InfraDriver, JobInstance } from '@racetrack/infra';
import type { Backoff } from '../backoff/index.ts';

export interface ReconcileDeps {
  jobs: JobRepository;
  drivers: ReadonlyMap<string, InfraDriver>;
  backoff: Backoff;
  logger: Logger;
  /** Starts a job the driver has no instance of at all (from its stored artefact); absent = mark it lost. */
  respawn?: (row: JobRow) => Promise<void>;
  /** Job ids being respawned now (skipped until that finishes). */
  respawning: Set<string>;
  /** Restarted replicas (job id#replica) not yet answering /ready, kept out of the addresses PUB uses. */
  warming: Set<string>;
  /** Targets whose instances belong to this installation alone, so orphans there are removed; elsewhere they are only logged. */
  ownedTargets: ReadonlySet<string>;
  /** Jobs to leave alone this pass (a deployment in progress owns their instances and addresses). */
  skip?: (row: JobRow) => boolean;
  /** Targets whose driver could not list instances, with when that started (kept between passes). */
  unreachable: Map<string, { since: number; reason: string }>;
  /** How long a target may fail to answer before its jobs are shown in error (one slow pass is no outage). */
  unreachableGraceMs: number;
}

const instanceKey = (target: string, name: string, version: string) => `${target}\u0000${name}\u0000${version}`;

/** Lists every driver's instances first, then the registry, so an instance started after our read is never an orphan. */
export async function reconcileOnce(deps: ReconcileDeps): Promise<void> {
  const actual = new Map<string, JobInstance[]>();
  const listed = new Set<string>();
  for (const [target, driver] of deps.drivers) {
    try {
      for (const instance of await driver.list()) {
        const key = instanceKey(target, instance.jobName, instance.version);
        actual.set(key, [...(actual.get(key) ?? []), instance]);
      }
      listed.add(target);
      if (deps.unreachable.delete(target)) deps.logger.info({ target }, 'infrastructure target answers again; reconciling its jobs');
    } catch (error) {
      const reason = describeError(error);
      if (!deps.unreachable.has(target)) deps.logger.error({ target, err: reason }, 'cannot list instances; the target\'s jobs are left as they are until it answers');
      deps.unreachable.set(target, { since: deps.unreachable.get(target)?.since ?? Date.now(), reason });
    }
  }
  const rows = await deps.jobs.list();
  const known = new Set(rows.map((r) => instanceKey(r.infrastructureTarget, r.name, r.version)));
  await removeOrphans(deps, actual, known);
  deps.backoff.retain(new Set(rows.map((r) => r.id)));
  const now = Date.now();
  for (const row of rows) {
    if (row.desiredState !== 'running' || row.status === 'starting' || deps.respawning.has(row.id) || deps.skip?.(row)) continue;
    if (!listed.has(row.infrastructureTarget)) {
      if (!deps.drivers.has(row.infrastructureTarget)) {
        await observe(deps, row, { status: 'lost', error: `infrastructure target "${row.infrastructureTarget}" is not available` });
      }
      const outage = deps.unreachable.get(row.infrastructureTarget);
      if (outage && now - outage.since >= deps.unreachableGraceMs) await observe(deps, row, { status: 'error', error: unreachableMessage(row.infrastructureTarget, outage) });
      continue;
    }
    const instances = actual.get(instanceKey(row.infrastructureTarget, row.name, row.version)) ?? [];
    if (instances.length === 0) await respawnMissing(deps, row, now);
    else await restartDead(deps, row, instances, now);
  }
}

/** What a job shows while its target does not answer: since when, why, and that it heals by itself. */
function unreachableMessage(target: string, outage: { since: number; reason: string }): string {
  return `infrastructure target "${target}" does not answer since ${new Date(outage.since).toISOString()}: ${outage.reason}; ` +
    'the supervisor restarts the job when the target answers again';
}

async function removeOrphans(deps: ReconcileDeps, actual: Map<string, JobInstance[]>, known: Set<string>): Promise<void> {
  for (const [key, instances] of actual) {
    if (known.has(key)) continue;
    const [target = '', name = '', version = ''] = key.split('\u0000');
    if (!deps.ownedTargets.has(target)) {
      // A shared engine (e.g. one Docker daemon) may run another installation's jobs: never kill them.
      deps.logger.debug({ target, job: name, version }, 'instances not in the registry (orphaned); left alone on a shared target');
      continue;
    }
    deps.logger.warn({ target, job: name, version, instances: instances.length }, 'removing orphaned job instances (not in the registry)');
    try {
      await deps.drivers.get(target)?.remove(name, version);
    } catch (error) {
      deps.logger.error({ target, job: name, version, err: describeError(error) }, 'cannot remove orphaned instances');
    }
  }
}

async function respawnMissing(deps: ReconcileDeps, row: JobRow, now: number): Promise<void> {
  if (!deps.respawn) {
    await observe(deps, row, { status: 'lost', error: 'no instance of this job is running', addresses: [] });
    return;
  }
  if (!deps.backoff.due(row.id, now)) return;
  const attempt = deps.backoff.attempted(row.id, now);
  await observe(deps, row, { status: 'error', error: `no instance is running; starting it again (attempt ${attempt})`, addresses: [] });
  deps.respawning.add(row.id);
  const respawn = deps.respawn;
  void (async () => {
    try {
      await respawn(row);
      deps.logger.info({ job: row.name, version: row.version }, 'job started again');
    } catch (error) {
      deps.logger.error({ job: row.name, version: row.version, err: describeError(error) }, 'cannot start the job again');
      const fresh = await deps.jobs.findById(row.id);
      if (fresh) await deps.jobs.observe(row.id, { status: 'error', error: `cannot start the job again: ${describeError(error)}` });
    } finally {
      deps.respawning.delete(row.id);
    }
  })();
}

async function restartDead(deps: ReconcileDeps, row: JobRow, instances: JobInstance[], now: number): Promise<void> {
  const driver = deps.drivers.get(row.infrastructureTarget);
  if (!driver) return;
  const problems: string[] = [];
  let restarts = row.restarts;
  const up: JobInstance[] = [];
  for (let replica = 0; replica < row.replicas; replica++) {
    const key = `${row.id}#${replica}`;
    const instance = instances.find((i) => i.replica === replica);
    if (instance?.state === 'running') {
      if (deps.warming.has(key) && !(await answersReady(instance.address))) {
        problems.push(`replica ${replica} restarted; waiting for it to be ready`);
        continue;
      }
      deps.warming.delete(key);
      deps.backoff.up(key, now);
      up.push(instance);
      continue;
    }
    const why = instance ? `replica ${replica} exited with code ${instance.exitCode ?? 'unknown'}` : `replica ${replica} is missing`;
    if (deps.backoff.due(key, now)) {
      const attempt = deps.backoff.attempted(key, now);
      try {
        await driver.restart(row.name, row.version, replica);
        restarts += 1;
        deps.warming.add(key);
        deps.logger.warn({ job: row.name, version: row.version, replica, attempt, reason: why }, 'restarted a job replica');
      } catch (error) {
        deps.logger.error({ job: row.name, version: row.version, replica, err: describeError(error) }, 'cannot restart a job replica');
      }
    }
    problems.push(`${why}; restarting with backoff (attempt ${deps.backoff.attempts(key)})`);
  }
  const addresses = up.sort((a, b) => a.replica - b.replica).map((i) => i.address);
  await observe(deps, row, {
    status: problems.length === 0 ? 'running' : 'error',
    error: problems.length === 0 ? null : problems.join('; '),
    addresses,
    restarts,
  });
}

/** True when the instance answers /ready with 200 (a restarted process is routed to only then). */
async function answersReady(address: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${address}/ready`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

type Observed = { status: string; error: string | null; addresses?: string[]; restarts?: number };

async function observe(deps: ReconcileDeps, row: JobRow, next: Observed): Promise<void> {
  const same = row.status === next.status && row.error === next.error && (next.restarts ?? row.restarts) === row.restarts &&
    JSON.stringify(next.addresses ?? row.addresses) === JSON.stringify(row.addresses);
  if (same) return;
  await deps.jobs.observe(row.id, next);
}
