/** @module /live, /ready, /health and /metrics: answered by the server thread, never by user code. */
import type { FastifyInstance } from 'fastify';
import type { RunnerConfig } from '../config/index.ts';
import type { JobState } from './state.ts';

/** Registers the probes under the current prefix. */
export function registerProbes(app: FastifyInstance, config: RunnerConfig, state: JobState, hide: boolean): void {
  const schema = { hide, tags: ['probes'] };
  app.get('/live', { schema }, (_request, reply) => {
    const body: Record<string, unknown> = { live: state.live, status: state.live ? 'live' : 'fail', deployment_timestamp: config.deploymentTimestamp };
    if (!state.live) body['error'] = state.error;
    return reply.code(state.live ? 200 : 500).send(body);
  });
  app.get('/ready', { schema }, (_request, reply) => {
    if (state.ready) return reply.send({ ready: true, status: 'ready' });
    return reply.code(500).send({ ready: false, status: state.live ? 'not ready yet' : 'failed', error: state.error });
  });
  app.get('/health', { schema }, (_request, reply) => {
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
  });
}
