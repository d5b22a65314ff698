/** @module One structured log line per request (id, endpoint, status, duration), the caller on every line when asked. */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { RunnerConfig } from '../config/index.ts';
import type { JobMetrics } from './metrics.ts';
import { AccessLog } from './access-log.ts';

const quietPaths = /\/(live|ready|health|metrics)\/?$/;

/** Adds the per-request log line and the commons_* metrics of a finished request (the front listener counts starts). */
export function installRequestLogging(app: FastifyInstance, config: RunnerConfig, metrics: JobMetrics): void {
  app.setChildLoggerFactory((logger, bindings, options, rawRequest) => {
    const caller = config.logCallerName ? rawRequest.headers[config.callerHeader] : undefined;
    const all = typeof caller === 'string' ? { ...bindings, caller } : bindings;
    return new LazyChildLogger(logger, all, options as Record<string, unknown> | undefined) as unknown as FastifyBaseLogger;
  });
  const logger = app.log as FastifyBaseLogger & { isLevelEnabled(level: string): boolean };
  const accessLog = new AccessLog(logger);
  app.addHook('onResponse', (request, reply, done) => {
    metrics.commonsDuration.observe(reply.elapsedTime / 1000);
    metrics.counts.commonsDone++;
    if (reply.statusCode >= 500) metrics.counts.commonsErrors++;
    // Probes and scrapes come every few seconds; spec 7.3 keeps them out of the access log.
    if (logger.isLevelEnabled('debug') || (logger.isLevelEnabled('info') && !quietPaths.test(pathOf(request.url)))) {
      const path = pathOf(request.url);
      const level = quietPaths.test(path) ? 'debug' : 'info';
      const caller = config.logCallerName ? request.headers[config.callerHeader] : undefined;
      accessLog.write(level, {
        request_id: request.id,
        ...(typeof caller === 'string' ? { caller } : {}),
        endpoint: request.routeOptions.url ?? path,
        method: request.method,
        path,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      });
    }
    done();
  });
}

/**
 * A request logger that builds its pino child only when a line is actually written: fastify makes
 * one per request, and building it (bindings, redaction) cost more than the rest of a trivial call.
 */
class LazyChildLogger {
  private readonly parent: FastifyBaseLogger & { isLevelEnabled(level: string): boolean };
  private readonly bindings: Record<string, unknown>;
  private readonly options: Record<string, unknown> | undefined;
  private built: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Record<string, unknown>, options: Record<string, unknown> | undefined) {
    this.parent = parent as FastifyBaseLogger & { isLevelEnabled(level: string): boolean };
    this.bindings = bindings;
    this.options = options;
  }

  get level(): string {
    return (this.built ?? this.parent).level;
  }

  set level(value: string) {
    this.child().level = value;
  }

  fatal(...args: unknown[]): void { this.write('fatal', args); }
  error(...args: unknown[]): void { this.write('error', args); }
  warn(...args: unknown[]): void { this.write('warn', args); }
  info(...args: unknown[]): void { this.write('info', args); }
  debug(...args: unknown[]): void { this.write('debug', args); }
  trace(...args: unknown[]): void { this.write('trace', args); }
  silent(): void {}

  child(bindings?: Record<string, unknown>, options?: Record<string, unknown>): FastifyBaseLogger {
    this.built ??= this.parent.child(this.bindings, this.options);
    return bindings ? this.built.child(bindings, options) : this.built;
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: unknown[]): void {
    if (!this.parent.isLevelEnabled(level)) return;
    (this.child()[level] as (...a: unknown[]) => void)(...args);
  }
}

function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt < 0 ? url : url.slice(0, queryAt);
}
