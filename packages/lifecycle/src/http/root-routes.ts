/** @module Lifecycle's root endpoints: info, probes, health and metrics (spec 1.2). */
import type { FastifyInstance } from 'fastify';
import type { LifecycleContext } from '../service/types.ts';

/** Registers /live, /ready, /health, /metrics and /api/v1/info. */
export function registerRootRoutes(app: FastifyInstance, ctx: LifecycleContext): void {
  app.get('/live', async () => ({ service: 'lifecycle', live: true }));
  app.get('/ready', async () => ({ service: 'lifecycle', ready: true }));
  app.get('/health', async (_request, reply) => {
    const connected = await ctx.database.ping().catch(() => false);
    return reply.status(connected ? 200 : 500).send({
      service: 'lifecycle', live: true, database_connected: connected, git_version: ctx.config.gitVersion,
      docker_tag: ctx.config.racetrackVersion, auth_required: false,
    });
  });
  app.get('/metrics', async (_request, reply) => {
    ctx.metrics.scrapes.inc();
    ctx.metrics.jobsByStatus.reset();
    for (const job of await ctx.jobs.list()) ctx.metrics.jobsByStatus.inc({ status: job.status });
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  app.get('/api/v1/info', async () => ({
    service: 'lifecycle',
    lifecycle_version: ctx.config.racetrackVersion,
    git_version: ctx.config.gitVersion,
    docker_tag: ctx.config.racetrackVersion,
    auth_required: false,
    external_pub_url: ctx.config.externalPubUrl,
    lifecycle_url: ctx.config.lifecycleUrl,
    grafana_url: null,
    infrastructure_targets: [...ctx.drivers.keys()],
    default_infrastructure_target: ctx.config.defaultInfrastructureTarget,
    job_types: ctx.jobTypes.list().map((t) => `${t.name}:${t.version}`),
  }));
}
