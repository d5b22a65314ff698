/** @module The background part of a deployment: build, register, start, wait; on failure roll back a new job. */
import { randomUUID } from 'node:crypto';
import { describeError } from '@racetrack/core';
import type { JobRow } from '@racetrack/db';
import type { BuildSource } from '@racetrack/builder';
import type { LifecycleContext } from '../service/types.ts';
import { createLogBuffer, type LogBuffer } from './log-buffer.ts';
import { builderPhases, prepareArtefact } from './prepare-artefact.ts';
import { driverFor, provisionJob, recentJobLogs } from './provision.ts';
import type { InfraDriver } from '@racetrack/infra';
import type { AcceptedDeployment } from './start-deployment.ts';

function sourceOf(d: AcceptedDeployment): BuildSource {
  const directory = d.manifest.git.directory;
  // An uploaded build context is the job directory itself (as in the original); git.directory applies to clones only.
  if (d.payload.build_context) return { kind: 'archive', base64TarGz: d.payload.build_context };
  const credentials = d.payload.git_credentials ?? undefined;
  return {
    kind: 'git', remote: d.manifest.git.remote, directory,
    ...(d.manifest.git.branch ? { branch: d.manifest.git.branch } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/** Runs one accepted deployment to `done` or `failed`; never throws for job or build errors. */
export async function runDeployment(ctx: LifecycleContext, d: AcceptedDeployment): Promise<void> {
  const { manifest } = d;
  const logs = createLogBuffer(ctx.deployments, d.id);
  const startedAt = Date.now();
  const sinkKey = `${manifest.name}@${manifest.version}`;
  ctx.logSinks.set(sinkKey, (line) => logs.push(line));
  try {
    await deploy(ctx, d, logs, startedAt);
  } finally {
    ctx.logSinks.delete(sinkKey);
  }
}

async function deploy(ctx: LifecycleContext, d: AcceptedDeployment, logs: LogBuffer, startedAt: number): Promise<void> {
  const { manifest } = d;
  let phase = 'building image';
  // Phase writes are chained so the final status never races an older phase update.
  let phaseWrites: Promise<void> = Promise.resolve();
  const setPhase = (next: string): void => {
    // The builder and the target's image build may both announce `building image (1/1)`: show it once.
    if (next === phase) return;
    phase = next;
    logs.push(`--- ${next} (+${Date.now() - startedAt} ms)`);
    phaseWrites = phaseWrites.then(() => logs.flush()).then(() => ctx.deployments.update(d.id, { phase: next }))
      .catch((error: unknown) => ctx.logger.warn({ deploymentId: d.id, err: describeError(error) }, 'phase update failed'));
  };
  let created: JobRow | undefined;
  let row: JobRow | undefined;
  const noCache = d.payload.build_flags?.includes('--no-cache') ?? false;
  const targetDriver = ctx.drivers.get(d.target);
  try {
    const built = await ctx.builder.build({
      deploymentId: d.id,
      manifest: manifest as unknown as Record<string, unknown>,
      source: sourceOf(d),
      buildEnv: { ...manifest.build_env, ...d.payload.secret_vars?.build_env },
      secretKeys: Object.keys(d.payload.secret_vars?.build_env ?? {}),
      noCache,
      onLog: (line) => logs.push(line),
      onPhase: builderPhases(targetDriver, setPhase),
    });
    if (built.warnings.length > 0) d.warnings.push(...built.warnings);
    // What the target runs (docker: the job image); the job row keeps the builder's artefact for restarts and moves.
    const artefact = await prepareArtefact(targetDriver, {
      jobName: manifest.name, version: manifest.version, artefact: built.artefact,
      manifest: manifest as unknown as Record<string, unknown>, gitVersion: built.gitVersion,
      racetrackVersion: ctx.config.racetrackVersion, noCache, onLog: (line) => logs.push(line), onPhase: setPhase,
    });
    await logs.flush();
    await ctx.deployments.update(d.id, {
      warnings: d.warnings.length > 0 ? d.warnings.join('\n') : null,
      imageName: artefact.kind === 'image' ? artefact.image : (built.contentHash ?? null),
    });
    if (d.buildOnly) {
      await phaseWrites;
      await logs.stop();
      await ctx.deployments.update(d.id, { status: 'done', phase: null });
      ctx.logger.info({ deploymentId: d.id, job: manifest.name, version: manifest.version }, 'job image built (build only)');
      return;
    }
    setPhase('creating cluster resources');
    const secrets = d.payload.secret_vars?.runtime_env;
    const existing = await ctx.jobs.find(manifest.name, manifest.version);
    // A running version keeps serving (status and addresses untouched) until its replacement is ready.
    const replaceRunning = existing?.status === 'running' && existing.infrastructureTarget === d.target && existing.addresses.length > 0;
    const fields = {
      status: replaceRunning ? 'running' : 'starting', desiredState: 'running', jobTypeVersion: built.jobTypeVersion, infrastructureTarget: d.target,
      manifest: manifest as unknown as Record<string, unknown>, manifestYaml: d.manifestYaml, replicas: manifest.replicas,
      artefact: built.artefact as unknown as Record<string, unknown>, imageTag: built.contentHash ?? null,
      gitVersion: built.gitVersion ?? null, runtimeEnv: manifest.runtime_env ?? {},
      secretRuntimeEnv: secrets && Object.keys(secrets).length > 0 ? ctx.secretBox.seal(secrets) : (d.inheritedSecrets ?? null),
      deploymentId: d.id, deployedBy: d.deployedBy, deployedAt: new Date(), error: null,
    };
    if (existing) {
      row = await ctx.jobs.update(existing.id, fields);
    } else {
      await ctx.jobs.forgetDeleted(manifest.name, manifest.version);
      created = await ctx.jobs.insert({ id: randomUUID(), name: manifest.name, version: manifest.version, ...fields });
      row = created;
    }
    if (!row) throw new Error('the job was deleted while it was being deployed');
    const running = await provisionJob(ctx, row, { onPhase: setPhase, replaceRunning, noCache, artefact });
    setPhase('post-deploy hooks');
    await phaseWrites;
    await logs.stop();
    await ctx.deployments.update(d.id, { status: 'done', phase: null });
    ctx.metrics.doneDeployments.inc();
    ctx.metrics.deployedJobs.inc();
    ctx.logger.info({ deploymentId: d.id, job: running.name, version: running.version }, 'job deployed');
  } catch (error) {
    const reason = describeError(error);
    const driver = ctx.drivers.get(d.target);
    const jobLogs = row && driver ? await jobLogsAfterFailure(driver, row.name, row.version, ctx.config.errorLogLines) : '';
    const lastLines = jobLogs || logs.tail(ctx.config.errorLogLines).join('\n');
    const message = `deployment failed at phase "${phase}": ${reason}${lastLines ? `\nlast log lines:\n${lastLines}` : ''}`;
    await rollBack(ctx, d, created, row, reason)
      .catch((rollbackError: unknown) => ctx.logger.error({ deploymentId: d.id, err: describeError(rollbackError) }, 'rollback failed'));
    await phaseWrites;
    await logs.stop();
    await ctx.deployments.update(d.id, { status: 'failed', error: message });
    ctx.logger.warn({ deploymentId: d.id, job: manifest.name, version: manifest.version, phase, err: reason }, 'deployment failed');
  }
}

/** A new job disappears entirely; an existing one stays registered with the error shown. */
async function rollBack(ctx: LifecycleContext, d: AcceptedDeployment, created: JobRow | undefined, row: JobRow | undefined, reason: string): Promise<void> {
  if (!row) return;
  const driver = driverFor(ctx, d.target);
  if (created) {
    await driver.remove(created.name, created.version);
    await ctx.jobs.remove(created.id);
  } else {
    await ctx.jobs.update(row.id, { status: 'error', error: reason });
  }
}

/** The job's last log lines; a process reports its failure on /live a moment before its log line lands, so look twice. */
async function jobLogsAfterFailure(driver: InfraDriver, name: string, version: string, lines: number): Promise<string> {
  const first = await recentJobLogs(driver, name, version, lines);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const second = await recentJobLogs(driver, name, version, lines);
  return second.length >= first.length ? second : first;
}
