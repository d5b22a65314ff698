/** @module /live, /ready, /health and /metrics: answered by the server thread, never by user code. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RunnerConfig } from '../config/index.ts';
import type { JobState } from './state.ts';

/** Registers the probes under the current prefix. */
export function registerProbes(app: FastifyInstance, config: RunnerConfig, state: JobState, hide: boolean): void {
  const schema = { hide, tags: ['probes'] };
  app.get('/live', { schema }, live);
  app.get('/ready', { schema }, ready);
  app.get('/health', { schema }, health);
  // Monitoring setups of the original also call these with a trailing slash.
  for (const [path, handler] of [['/live/', live], ['/ready/', ready], ['/health/', health]] as const) {
    app.get(path, { schema: { hide: true } }, handler);
  }

  function live(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const body: Record<string, unknown> = { live: state.live, status: state.live ? 'live' : 'fail', deployment_timestamp: config.deploymentTimestamp };
    if (!state.live) body['error'] = state.error;
    return reply.code(state.live ? 200 : 500).send(body);
  }

  function ready(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (state.ready) return reply.send({ ready: true, status: 'ready' });
    return reply.code(500).send({ ready: false, status: state.live ? 'not ready yet' : 'failed', error: state.error });
  }

  function health(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const ok = state.live && state.ready;
    return reply.code(ok ? 200 : 500).send({
      service: 'job',
      job_name: config.jobName,
      live: state.live,
      ready: state.ready,
      status: ok ? 'pass' : 'fail',
      error: state.error,
      job_version: config.jobVersion,
      git_version: config.gitVersion,
      deployed_by_racetrack_version: config.deployedByRacetrackVersion,
      deployment_timestamp: config.deploymentTimestamp,
      job_type_version: config.jobTypeVersion,
    });
  }
}
