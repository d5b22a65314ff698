/** @module POST /deploy: synchronous checks that answer 4xx at once, then the deployment runs in the background. */
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { RacetrackError, describeError, type DeployPayload } from '@racetrack/core';
import { validateManifest, type Manifest } from '@racetrack/manifest';
import type { LifecycleContext } from '../service/types.ts';
import { checkBuildContext } from './check-archive.ts';
import { driverFor } from './provision.ts';
import { runDeployment } from './run-deployment.ts';

/** A deployment that passed every synchronous check. */
export interface AcceptedDeployment {
  id: string;
  manifest: Manifest;
  manifestYaml: string;
  target: string;
  payload: DeployPayload;
  deployedBy: string | null;
  warnings: string[];
  /** Sealed runtime secrets to keep when the payload brings none (redeploy from the dashboard). */
  inheritedSecrets?: string | null;
  /** `POST /build` (racetrack run-local): build the job image and stop there; no job is registered or started. */
  buildOnly?: boolean;
}

export interface StartOptions {
  inheritedSecrets?: string | null;
  buildOnly?: boolean;
}

/** The target whose image a build-only request makes: run-local runs it with the user's own Docker. */
const imageTarget = 'docker';

/** Validates a deploy request, records the deployment and starts it; returns its id. */
export async function startDeployment(
  ctx: LifecycleContext,
  payload: DeployPayload,
  deployedBy: string | null,
  options: StartOptions = {},
): Promise<{ id: string; done: Promise<void> }> {
  if (typeof payload !== 'object' || payload === null || typeof payload.manifest !== 'object' || payload.manifest === null) {
    throw new RacetrackError('BAD_REQUEST', 'the request body must be JSON with a "manifest" object (the merged job.yaml)');
  }
  const validated = validateManifest(payload.manifest);
  const { warnings } = validated;
  // The job type must see the target the job will really run on (docker-proxy refuses local),
  // so the server's default is written into the manifest before the job type validates it.
  const target = options.buildOnly ? imageTarget : (validated.manifest.infrastructure_target ?? ctx.config.defaultInfrastructureTarget);
  if (options.buildOnly && !ctx.drivers.get(imageTarget)?.prepare) {
    throw new RacetrackError('BAD_REQUEST',
      'building a job image (racetrack run-local) needs the docker infrastructure target on the server: start a Docker Engine there (or set RACETRACK_DOCKER=true) and restart the server');
  }
  const manifest = { ...validated.manifest, infrastructure_target: target };
  const jobType = ctx.jobTypes.resolve(manifest.jobtype);
  warnings.push(...jobType.validate(manifest as unknown as Record<string, unknown>));
  driverFor(ctx, target);
  if (payload.build_context !== undefined && payload.build_context !== null && typeof payload.build_context !== 'string') {
    throw new RacetrackError('BUILD_CONTEXT_INVALID', 'build_context must be a base64 string of a .tar.gz of the job directory');
  }
  if (payload.build_context) await checkBuildContext(payload.build_context);
  // A build-only request registers no job: it never blocks, nor waits for, a deployment of the same version.
  const key = `${manifest.name}@${manifest.version}${options.buildOnly ? '#build' : ''}`;
  const since = new Date(Date.now() - ctx.config.deploymentLockWindowMs);
  if (ctx.active.has(key) || (!options.buildOnly && (await ctx.deployments.findInProgress(manifest.name, manifest.version, since)))) {
    throw new RacetrackError('DEPLOYMENT_IN_PROGRESS',
      `job ${manifest.name} ${manifest.version} is being deployed right now; wait for that deployment to finish`);
  }
  if (!payload.force && !ctx.config.allowJobOverwrite && !options.buildOnly) await checkOverwrite(ctx, manifest);

  const id = randomUUID();
  const manifestYaml = stringify(manifest);
  ctx.active.add(key);
  try {
    await ctx.deployments.create({
      id, jobName: manifest.name, jobVersion: manifest.version, manifestYaml, deployedBy,
      infrastructureTarget: target, warnings: warnings.length > 0 ? warnings.join('\n') : null, phase: 'building image',
    });
  } catch (error) {
    ctx.active.delete(key);
    throw error;
  }
  ctx.metrics.requestedDeployments.inc();
  const accepted: AcceptedDeployment = {
    id, manifest, manifestYaml, target, payload, deployedBy, warnings, inheritedSecrets: options.inheritedSecrets ?? null,
    ...(options.buildOnly ? { buildOnly: true } : {}),
  };
  const done = runDeployment(ctx, accepted)
    .catch((error: unknown) => ctx.logger.error({ deploymentId: id, err: describeError(error) }, 'deployment crashed'))
    .finally(() => ctx.active.delete(key));
  return { id, done };
}

async function checkOverwrite(ctx: LifecycleContext, manifest: Manifest): Promise<void> {
  if (await ctx.jobs.find(manifest.name, manifest.version)) {
    throw new RacetrackError('ALREADY_EXISTS',
      `job ${manifest.name} ${manifest.version} is already deployed; bump the version or redeploy with --force`);
  }
  if (await ctx.jobs.findDeleted(manifest.name, manifest.version)) {
    throw new RacetrackError('ALREADY_EXISTS',
      `job ${manifest.name} ${manifest.version} was deployed before and deleted; bump the version or claim it again with --force`);
  }
}
