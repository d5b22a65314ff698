/**
 * @module Builds the job's fastify app: probes and metrics always, the job's endpoints and docs once
 * the entrypoint is constructed. Everything is mounted at `/` and under `/pub/job/{name}/{version}`
 * (and the legacy `/pub/fatman/...`), any version accepted.
 */
import type http from 'node:http';
import { fastify, LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '@racetrack/core';
import type { RunnerConfig } from '../config/index.ts';
import type { EntrypointHost } from '../host/protocol.ts';
import type { JobSchema } from '../schema/types.ts';
import { ConcurrencyLimiter } from './concurrency.ts';
import { endpointSchemas, registerEndpoints } from './endpoints.ts';
import { formatValidationErrors, installErrorHandlers } from './errors.ts';
import { assignedRequestId, frontListener } from './front.ts';
import { acceptEmptyJsonBody } from './http-compat.ts';
import { installRequestLogging } from './logging.ts';
import type { JobMetrics } from './metrics.ts';
import { registerProbes } from './probes.ts';
import type { JobState } from './state.ts';
import { registerStaticEndpoints } from './static-files.ts';
import { registerWebview } from './webview.ts';

// Not `import http from 'node:http'`: an ESM import of node:http reads every export, and the lazy fetch
// ones (WebSocket...) load Node's bundled undici, about 30 ms of start-up for nothing.
const { createServer } = process.getBuiltinModule('node:http');

/** Everything an app is built from; shared between the startup app and the full app. */
export interface AppParts {
  config: RunnerConfig;
  state: JobState;
  metrics: JobMetrics;
  host: EntrypointHost;
  limiter: ConcurrencyLimiter;
  rootDir: string;
  jobSchema: JobSchema | undefined;
  logger: Logger;
}

/** A built app and the request listener that feeds it. */
export interface BuiltApp {
  app: FastifyInstance;
  listener: http.RequestListener;
}

let docs: Promise<typeof import('./docs.ts')> | undefined;
/** Loads the OpenAPI/Swagger UI module (and @fastify/swagger*) once; only the full app needs it, so startup can begin loading it after listening. */
export function loadDocs(): Promise<typeof import('./docs.ts')> {
  docs ??= import('./docs.ts');
  return docs;
}

/** Creates the limiter configured by the manifest. */
export function createLimiter(config: RunnerConfig): ConcurrencyLimiter {
  return new ConcurrencyLimiter(config.maxConcurrency, config.maxConcurrencyQueue);
}

/** Builds the app for the current state (full when `state.info` is set) and makes it ready. */
export async function buildApp(parts: AppParts): Promise<BuiltApp> {
  const { config, state } = parts;
  let listener: http.RequestListener | undefined;
  const created = fastify({
    loggerInstance: parts.logger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    bodyLimit: config.bodyLimitBytes,
    // The front listener picks the id (the caller's tracing id, else a new UUID) and echoes it.
    requestIdHeader: false,
    genReqId: assignedRequestId,
    // validateSchema: false skips compiling JSON Schema's meta-schema in each app (about 40 ms of CPU at
    // start): the schemas are written by @racetrack/signature, not by hand.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false, strict: false, validateSchema: false } },
    schemaErrorFormatter: formatValidationErrors,
    // The runner owns the listening server and swaps apps under it; fastify only gets its handler.
    serverFactory: (handler) => {
      listener = handler;
      return createServer();
    },
  });
  // pino's Logger and fastify's base logger type differ only nominally.
  const app = created as unknown as FastifyInstance;
  installErrorHandlers(app);
  acceptEmptyJsonBody(app, config.bodyLimitBytes);
  installRequestLogging(app, config, parts.metrics);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  if (state.info) {
    await (await loadDocs()).registerOpenApi(app, config);
  }
  const prefixes = ['', `/pub/job/${config.jobName}/:version`, `/pub/fatman/${config.jobName}/:version`];
  for (const prefix of prefixes) {
    await app.register(async (scope) => registerScope(scope, parts, prefix !== ''), { prefix });
  }
  await app.ready();
  if (!listener) throw new Error('fastify did not hand over its request handler');
  return { app, listener: frontListener(listener, config, parts.metrics, state.info !== undefined) };
}

async function registerScope(scope: FastifyInstance, parts: AppParts, hide: boolean): Promise<void> {
  const { config, state } = parts;
  registerProbes(scope, config, state, hide);
  registerMetricsRoute(scope, parts, hide);
  scope.get('/', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const base = hide ? path.replace(/\/$/, '') : `/pub/job/${config.jobName}/${config.jobVersion}`;
    return reply.redirect(`${base}${config.homePage}`, 307);
  });
  const info = state.info;
  if (!info) {
    scope.all('/api/v1/*', { schema: { hide: true } }, (_request, reply) =>
      reply.code(state.live ? 503 : 500).send({ error: state.live ? 'job is not ready yet' : `job failed to start: ${state.error}`, type: 'NotReady' }),
    );
    return;
  }
  const schemas = endpointSchemas(info, parts.jobSchema);
  registerEndpoints(scope, parts, info, schemas, hide);
  await registerStaticEndpoints(scope, parts.rootDir, info.staticEndpoints, hide);
  if (info.hasWebview) await registerWebview(scope, parts.host, config, parts.rootDir, hide);
  await (await loadDocs()).registerSwaggerUi(scope, config);
}

function registerMetricsRoute(scope: FastifyInstance, parts: AppParts, hide: boolean): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (parts.state.info?.hasMetrics) {
      // A busy worker must not hold the scrape: after 1 s the last known values are served.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 1000)));
      try {
        const fresh = await Promise.race([parts.host.metrics(), timeout]);
        if (fresh) parts.metrics.lastUserMetrics = fresh;
        else request.log.warn('metrics() did not answer within 1 s; serving its last values');
      } catch (error) {
        request.log.error({ err: error }, 'metrics() failed; serving its last values');
      } finally {
        clearTimeout(timer);
      }
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await parts.metrics.render(parts.metrics.lastUserMetrics));
  };
  scope.get('/metrics', { schema: { hide, tags: ['probes'] } }, handler);
  scope.get('/metrics/', { schema: { hide: true } }, handler);
}
