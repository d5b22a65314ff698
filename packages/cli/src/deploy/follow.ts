/** @module Following a deployment until it ends: phases, new build-log lines, new warnings. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LifecycleClient } from '@racetrack/client';
import { RacetrackError, type DeploymentDto } from '@racetrack/core';
import type { DeployProgress } from './progress.ts';

/** How often and how long to poll. */
export interface FollowOptions {
  pollMs?: number;
  timeoutMs?: number;
}

/** The finished deployment, the phase it was last seen in, and whether build logs were shown live. */
export interface FollowResult {
  deployment: DeploymentDto;
  lastPhase: string | undefined;
  logsFollowed: boolean;
}

/** Polls `GET /deploy/{id}` (and its build logs while the server offers them) until done or failed. */
export async function followDeployment(client: LifecycleClient, id: string, progress: DeployProgress, options: FollowOptions = {}): Promise<FollowResult> {
  const deadline = Date.now() + (options.timeoutMs ?? 60 * 60_000);
  const logs = { offset: 0, partial: '', supported: true };
  let lastPhase: string | undefined;
  let warningsSeen = 0;
  for (;;) {
    const deployment = await client.getDeployment(id);
    if (deployment.phase && deployment.phase !== lastPhase) {
      lastPhase = deployment.phase;
      progress.phase(deployment.phase);
    }
    const warnings = (deployment.warnings ?? '').split('\n').filter((line) => line.trim() !== '');
    for (const warning of warnings.slice(warningsSeen)) progress.warning(warning);
    warningsSeen = warnings.length;
    if (logs.supported) await pullLogs(client, id, logs, progress, deployment.status !== 'in_progress');
    if (deployment.status !== 'in_progress') return { deployment, lastPhase, logsFollowed: logs.supported };
    if (Date.now() > deadline) throw new RacetrackError('JOB_TIMEOUT', `deployment ${id} still in progress after ${Math.round((options.timeoutMs ?? 3_600_000) / 60_000)} min (last phase: ${lastPhase ?? 'none'})`);
    await sleep(options.pollMs ?? 500);
  }
}

async function pullLogs(client: LifecycleClient, id: string, logs: { offset: number; partial: string; supported: boolean }, progress: DeployProgress, final: boolean): Promise<void> {
  try {
    const chunk = await client.deploymentBuildLogs(id, logs.offset);
    logs.offset = chunk.offset;
    const text = logs.partial + chunk.logs;
    const lines = text.split('\n');
    logs.partial = final ? '' : (lines.pop() ?? '');
    const complete = lines.filter((line, index) => line !== '' || index < lines.length - 1);
    if (complete.length > 0) progress.logLines(complete);
  } catch {
    // Older servers have no build-log endpoint per deployment: show phases only.
    logs.supported = false;
  }
}
