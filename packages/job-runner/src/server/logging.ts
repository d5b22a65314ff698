/** @module One structured log line per request (id, endpoint, status, duration), the caller on every line when asked. */
import type { FastifyInstance } from 'fastify';
import type { RunnerConfig } from '../config/index.ts';
import type { JobMetrics } from './metrics.ts';

const quietPaths = /\/(live|ready|health|metrics)\/?$/;

/** Adds the per-request log line, the commons_* metrics and the tracing id response header. */
export function installRequestLogging(app: FastifyInstance, config: RunnerConfig, metrics: JobMetrics): void {
  if (config.logCallerName) {
    app.setChildLoggerFactory((logger, bindings, options, rawRequest) => {
      const caller = rawRequest.headers[config.callerHeader];
      return logger.child(typeof caller === 'string' ? { ...bindings, caller } : bindings, options);
    });
  }
  app.addHook('onRequest', (request, reply, done) => {
    metrics.commonsStarted.inc();
    reply.header(config.tracingHeader, request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const seconds = reply.elapsedTime / 1000;
    metrics.commonsDuration.observe(seconds);
    metrics.commonsDone.inc();
    if (reply.statusCode >= 500) metrics.commonsErrors.inc();
    const path = request.url.split('?')[0] ?? '';
    const line = {
      endpoint: request.routeOptions.url ?? path,
      method: request.method,
      path,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    };
    // Probes and scrapes come every few seconds; spec 7.3 keeps them out of the access log.
    if (quietPaths.test(path)) request.log.debug(line, 'request done');
    else request.log.info(line, 'request done');
    done();
  });
}
