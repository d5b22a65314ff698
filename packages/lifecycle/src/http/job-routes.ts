/** @module Job endpoints (spec 1.4): list, details, delete, move, runtime logs (also as SSE) and build logs. */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { RacetrackError, type DeployPayload } from '@racetrack/core';
import type { StartOptions } from '../deploy/start-deployment.ts';
import { deleteJob, findJob, moveJob, readJobBuildLogs, readJobLogs, reprovisionJob } from '../jobs/job-operations.ts';
import { toJobDto } from '../jobs/job-dto.ts';
import { driverFor } from '../deploy/provision.ts';
import type { LifecycleContext } from '../service/types.ts';
import { intParam, stripAnsi } from './errors.ts';

type JobParams = { Params: { name: string; version: string }; Querystring: Record<string, string | undefined> };

/** Registers /api/v1/job routes. */
export function registerJobRoutes(
  app: FastifyInstance,
  ctx: LifecycleContext,
  deploy: (payload: DeployPayload, deployedBy: string | null, options: StartOptions) => Promise<{ id: string; done: Promise<void> }>,
): void {
  const dto = (row: Parameters<typeof toJobDto>[0]) => toJobDto(row, ctx.config.externalPubUrl);

  // PUB polls this listing every second: an ETag lets it skip parsing an unchanged list (304).
  app.get('/api/v1/job', async (request, reply) => {
    const body = JSON.stringify((await ctx.jobs.list()).map(dto));
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get<JobParams>('/api/v1/job/:name/:version', async (request) =>
    dto(await findJob(ctx, request.params.name, request.params.version)));

  app.delete<JobParams>('/api/v1/job/:name/:version', async (request, reply) => {
    await deleteJob(ctx, await findJob(ctx, request.params.name, request.params.version));
    return reply.type('application/json').send('null');
  });

  app.post<JobParams>('/api/v1/job/:name/:version/move', async (request) => {
    const row = await findJob(ctx, request.params.name, request.params.version);
    const body = (request.body ?? {}) as Record<string, unknown>;
    return dto(await moveJob(ctx, row, body['infrastructure_target']));
  });

  // Rebuilds from git with the stored manifest and secrets, synchronously, as the original does.
  app.post<JobParams>('/api/v1/job/:name/:version/redeploy', async (request, reply) => {
    const row = await findJob(ctx, request.params.name, request.params.version);
    if (!row.manifest) throw new RacetrackError('BAD_REQUEST', `job ${row.name} ${row.version} has no stored manifest to redeploy from`);
    const started = await deploy({ manifest: row.manifest, force: true }, null, { inheritedSecrets: row.secretRuntimeEnv });
    await started.done;
    const deployment = await ctx.deployments.get(started.id);
    if (deployment?.status !== 'done') throw new RacetrackError('BUILD_FAILED', deployment?.error ?? 'the redeployment failed');
    return reply.type('application/json').send('null');
  });

  app.post<JobParams>('/api/v1/job/:name/:version/reprovision', async (request, reply) => {
    await reprovisionJob(ctx, await findJob(ctx, request.params.name, request.params.version));
    return reply.type('application/json').send('null');
  });

  app.get<JobParams>('/api/v1/job/:name/:version/logs', async (request) => {
    const row = await findJob(ctx, request.params.name, request.params.version);
    return { logs: await readJobLogs(ctx, row, intParam(request.query['tail'], 20)) };
  });

  app.get<JobParams>('/api/v1/job/:name/:version/logs/plain', async (request, reply) => {
    const row = await findJob(ctx, request.params.name, request.params.version);
    const logs = await readJobLogs(ctx, row, intParam(request.query['tail'], 20));
    return reply.type('text/plain; charset=utf-8').send(stripAnsi(logs));
  });

  app.get<JobParams>('/api/v1/job/:name/:version/logs/stream', async (request, reply) => {
    const row = await findJob(ctx, request.params.name, request.params.version);
    const driver = driverFor(ctx, row.infrastructureTarget);
    const recent = await driver.readLogs(row.name, row.version, intParam(request.query['tail'], 20));
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (line: string) => out.write(`data: ${line.replace(/\r?\n$/, '').replace(/\n/g, '\ndata: ')}\n\n`);
    for (const line of recent.split('\n').filter((l) => l !== '')) send(line);
    const stop = driver.followLogs(row.name, row.version, send);
    const keepAlive = setInterval(() => out.write(': keep-alive\n\n'), 15_000);
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      stop();
    });
  });

  app.get<JobParams>('/api/v1/job/:name/:version/build-logs', async (request) => {
    const row = await findJob(ctx, request.params.name, request.params.version);
    return { logs: await readJobBuildLogs(ctx, row, intParam(request.query['tail'], 0)) };
  });

  app.get<JobParams>('/api/v1/job/:name/:version/build-logs/plain', async (request, reply) => {
    const row = await findJob(ctx, request.params.name, request.params.version);
    const logs = await readJobBuildLogs(ctx, row, intParam(request.query['tail'], 0));
    return reply.type('text/plain; charset=utf-8').send(stripAnsi(logs));
  });
}

/** True when an `If-None-Match` header lists `etag` (weak comparison, as RFC 9110 asks for this header) or is `*`. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
