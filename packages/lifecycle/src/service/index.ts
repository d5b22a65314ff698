/** @module The lifecycle service (created once) and its fastify plugin (registered under one or more prefixes). */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { DeployPayload } from '@racetrack/core';
import { deploymentRepository, jobRepository, type JobRow } from '@racetrack/db';
import { startDeployment, type StartOptions } from '../deploy/start-deployment.ts';
import { respawnJob } from '../jobs/job-operations.ts';
import { createLifecycleMetrics } from '../metrics/index.ts';
import { installErrorHandlers } from '../http/errors.ts';
import { registerDocs } from '../http/docs.ts';
import { registerRootRoutes } from '../http/root-routes.ts';
import { registerDeployRoutes } from '../http/deploy-routes.ts';
import { registerJobRoutes } from '../http/job-routes.ts';
import type { LifecycleContext, LifecycleDeps } from './types.ts';

export interface Lifecycle {
  readonly context: LifecycleContext;
  /** Starts a deployment as POST /deploy does; `done` settles when it has finished (done or failed). */
  deploy(payload: DeployPayload, deployedBy?: string | null, options?: StartOptions): Promise<{ id: string; done: Promise<void> }>;
  /** Starts a registered job again from its stored artefact and waits until it serves. */
  respawn(row: JobRow): Promise<void>;
  /** The fastify plugin serving the lifecycle API; register it with a prefix such as `/lifecycle`. */
  plugin: FastifyPluginAsync;
  /** Adds a line to the build logs of the running deployment of name@version (drivers that build images). */
  appendBuildLog(jobName: string, version: string, line: string): void;
  /** True while a deployment of name@version runs in this process (the supervisor leaves such a job alone). */
  isDeploying(jobName: string, version: string): boolean;
  /** Waits for deployments and retirements of replaced instances still running in this process (up to `timeoutMs`). */
  drain(timeoutMs: number): Promise<void>;
}

/** Creates the lifecycle service over its collaborators. */
export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const context: LifecycleContext = {
    ...deps,
    jobs: jobRepository(deps.database.db),
    deployments: deploymentRepository(deps.database.db),
    metrics: createLifecycleMetrics(),
    active: new Set(),
    logSinks: new Map(),
    retiring: new Map(),
  };
  const running = new Set<Promise<void>>();
  const deploy = async (payload: DeployPayload, deployedBy: string | null = null, options: StartOptions = {}) => {
    const started = await startDeployment(context, payload, deployedBy, options);
    running.add(started.done);
    void started.done.finally(() => running.delete(started.done));
    return started;
  };
  const plugin: FastifyPluginAsync = async (app: FastifyInstance) => {
    installErrorHandlers(app);
    await registerDocs(app, context.config.racetrackVersion);
    registerRootRoutes(app, context);
    registerDeployRoutes(app, context, deploy);
    registerJobRoutes(app, context, deploy);
  };
  return {
    context,
    deploy,
    respawn: (row) => respawnJob(context, row),
    appendBuildLog: (jobName, version, line) => context.logSinks.get(`${jobName}@${version}`)?.(line),
    plugin,
    isDeploying: (jobName, version) => context.active.has(`${jobName}@${version}`),
    async drain(timeoutMs) {
      const pending = [...running, ...[...context.retiring.values()].map((r) => r.done)];
      if (pending.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); });
      await Promise.race([Promise.allSettled(pending).then(() => undefined), timeout]);
      clearTimeout(timer);
    },
  };
}
