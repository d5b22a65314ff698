/** @module One structured log line per request (id, endpoint, status, duration), the caller on every line when asked. */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { RunnerConfig } from '../config/index.ts';
import type { JobMetrics } from './metrics.ts';

const quietPaths = /\/(live|ready|health|metrics)\/?$/;

/** Adds the per-request log line, the commons_* metrics and the tracing id response header. */
export function installRequestLogging(app: FastifyInstance, config: RunnerConfig, metrics: JobMetrics): void {
  app.setChildLoggerFactory((logger, bindings, options, rawRequest) => {
    const caller = config.logCallerName ? rawRequest.headers[config.callerHeader] : undefined;
    const all = typeof caller === 'string' ? { ...bindings, caller } : bindings;
    return lazyChild(logger, () => logger.child(all, options));
  });
  app.addHook('onRequest', (request, reply, done) => {
    metrics.counts.commonsStarted++;
    reply.header(config.tracingHeader, request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const seconds = reply.elapsedTime / 1000;
    metrics.commonsDuration.observe(seconds);
    metrics.counts.commonsDone++;
    if (reply.statusCode >= 500) metrics.counts.commonsErrors++;
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

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * A request logger that builds its pino child only when a line is actually written: fastify makes
 * one per request, and building it (bindings, redaction) cost more than the rest of a trivial call.
 */
function lazyChild(parent: FastifyBaseLogger, make: () => FastifyBaseLogger): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const get = (): FastifyBaseLogger => (child ??= make());
  const logger: Record<string, unknown> = {
    silent: () => {},
    child: (bindings: Record<string, unknown>, options?: Record<string, unknown>) => get().child(bindings, options),
  };
  for (const level of levels) {
    logger[level] = (...args: unknown[]) => {
      if ((parent as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled(level)) {
        (get()[level] as (...a: unknown[]) => void)(...args);
      }
    };
  }
  Object.defineProperty(logger, 'level', { get: () => (child ?? parent).level, set: (value: string) => (get().level = value) });
  return logger as unknown as FastifyBaseLogger;
}
