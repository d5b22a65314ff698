/** @module Deployment endpoints (spec 1.3): start, status, listing, build logs from an offset. */
import type { FastifyInstance } from 'fastify';
import { RacetrackError, type DeployPayload } from '@racetrack/core';
import { toDeploymentDto, toJobDto } from '../jobs/job-dto.ts';
import type { LifecycleContext } from '../service/types.ts';
import { intParam } from './errors.ts';

async function deploymentOr404(ctx: LifecycleContext, id: string) {
  const row = await ctx.deployments.get(id);
  if (!row) throw new RacetrackError('DEPLOYMENT_NOT_FOUND', `deployment "${id}" does not exist`);
  return row;
}

/** Registers /api/v1/deploy routes. */
export function registerDeployRoutes(
  app: FastifyInstance,
  ctx: LifecycleContext,
  deploy: (payload: DeployPayload, deployedBy: string | null, options?: { buildOnly?: boolean }) => Promise<{ id: string }>,
): void {
  app.post('/api/v1/deploy', { bodyLimit: 256 * 1024 * 1024 }, async (request) => {
    const { id } = await deploy(request.body as DeployPayload, null);
    return { id };
  });

  // Builds the job image only (racetrack run-local); `image_name` of GET /deploy/{id} names it once done.
  app.post('/api/v1/build', { bodyLimit: 256 * 1024 * 1024 }, async (request) => {
    const { id } = await deploy(request.body as DeployPayload, null, { buildOnly: true });
    return { id };
  });

  app.get('/api/v1/deploy', async (request) => {
    const limit = intParam((request.query as Record<string, unknown>)['limit'], 100) || 100;
    return (await ctx.deployments.list(Math.min(limit, 1000))).map((row) => toDeploymentDto(row, null));
  });

  app.get<{ Params: { id: string } }>('/api/v1/deploy/:id', async (request) => {
    const row = await deploymentOr404(ctx, request.params.id);
    const job = row.status === 'done' ? await ctx.jobs.find(row.jobName, row.jobVersion) : undefined;
    return toDeploymentDto(row, job ? toJobDto(job, ctx.config.externalPubUrl) : null);
  });

  app.get<{ Params: { id: string } }>('/api/v1/deploy/:id/build-logs', async (request) => {
    const offset = intParam((request.query as Record<string, unknown>)['offset'], 0);
    const logs = await ctx.deployments.readLogs(request.params.id, offset);
    if (!logs) throw new RacetrackError('DEPLOYMENT_NOT_FOUND', `deployment "${request.params.id}" does not exist`);
    return logs;
  });
}
