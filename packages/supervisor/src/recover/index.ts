/** @module Start-up recovery: deployments cut off by a server stop fail, half-started new jobs disappear. */
import type { Logger } from '@racetrack/core';
import type { DeploymentRepository, JobRepository } from '@racetrack/db';
import type { InfraDriver } from '@racetrack/infra';

export const haltedMessage = 'halted due to server restart';

/**
 * Fails in-progress deployments older than `staleAgeMs` and settles the jobs they left in `starting`:
 * a job that never ran is removed, one that ran before goes back to the reconcile loop.
 */
export async function recoverInterrupted(options: {
  jobs: JobRepository;
  deployments: DeploymentRepository;
  drivers: ReadonlyMap<string, InfraDriver>;
  staleAgeMs: number;
  logger: Logger;
}): Promise<void> {
  const halted = await options.deployments.failStale(new Date(Date.now() - options.staleAgeMs), haltedMessage);
  if (halted.length === 0) return;
  options.logger.warn({ deployments: halted.map((d) => d.id) }, 'failed deployments halted by a server restart');
  const haltedIds = new Set(halted.map((d) => d.id));
  for (const row of await options.jobs.list()) {
    if (row.status !== 'starting' || !row.deploymentId || !haltedIds.has(row.deploymentId)) continue;
    if (row.everRunning) {
      await options.jobs.observe(row.id, { status: 'error', error: `redeployment ${haltedMessage}` });
    } else {
      await options.drivers.get(row.infrastructureTarget)?.remove(row.name, row.version);
      await options.jobs.remove(row.id);
    }
  }
}
