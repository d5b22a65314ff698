/**
 * @module serveJob / serveJobFile: start a job server for an entrypoint. Probes answer at once;
 * the job's endpoints appear when the entrypoint is constructed (spec 7.1).
 */
import { flushCompileCache } from 'node:module';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { createLogger, describeError, type Logger } from '@racetrack/core';
import { resolveConfig, type RunnerConfig } from './config/index.ts';
import { loadManifest, type JobManifest } from './config/manifest.ts';
import { InThreadHost } from './host/in-thread.ts';
import type { EntrypointSource } from './host/entrypoint.ts';
import type { EntrypointHost } from './host/protocol.ts';
import { WorkerHost } from './host/worker-host.ts';
import type { JobSchema } from './schema/types.ts';
import { buildApp, createLimiter, loadDocs, type AppParts, type BuiltApp } from './server/app.ts';
import { JobMetrics } from './server/metrics.ts';
import { startingState, type JobState } from './server/state.ts';

// Not `import http from 'node:http'`: an ESM import of node:http reads every export, and the lazy fetch
// ones (WebSocket...) load Node's bundled undici, about 30 ms of start-up for nothing.
const { createServer } = process.getBuiltinModule('node:http');

/** Options shared by serveJob and serveJobFile. */
export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. Default: env PORT, else 7000. */
  port?: number;
  host?: string;
  /** Environment to read settings from; default process.env. */
  env?: Record<string, string | undefined>;
  /** The manifest, or a path to job.yaml; default: JOB_MANIFEST_YAML, else job.yaml in rootDir. */
  manifest?: JobManifest | string;
  /** The job's directory: static files resolve here. Default: the entrypoint's directory or the cwd. */
  rootDir?: string;
  /** Build-time schema (object or path to perform.schema.json); without it only parameter names are known. */
  schema?: JobSchema | string;
  /** Overrides of resolved settings (tests, the benchmark). */
  overrides?: Partial<RunnerConfig>;
  logger?: Logger;
}

/** A running job server. */
export interface JobServer {
  url: string;
  port: number;
  config: RunnerConfig;
  state: JobState;
  /** Resolves when the entrypoint is constructed (or failed: see state.error). */
  started: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves an entrypoint class or instance from this process, in the server's own thread (a live
 * object cannot move to a worker). For CPU-heavy jobs prefer serveJobFile, which isolates user code.
 * @example await serveJob(Adder, { port: 7000 })
 */
export function serveJob(entrypoint: (new () => object) | object, options: ServeOptions = {}): Promise<JobServer> {
  const source: EntrypointSource = typeof entrypoint === 'function'
    ? { kind: 'class', constructor: entrypoint as new () => object }
    : { kind: 'instance', instance: entrypoint };
  return start(new InThreadHost(source), options.rootDir ?? process.cwd(), options);
}

/**
 * Serves the entrypoint class exported by a module file (`.ts` or `.js`), running user code in a
 * worker thread unless `isolation: 'none'` is set (env JOB_ISOLATION=none).
 * @example await serveJobFile('/src/job/job.ts', { schema: '/src/job/.racetrack/perform.schema.json' })
 */
export async function serveJobFile(entrypointPath: string, options: ServeOptions & { className?: string } = {}): Promise<JobServer> {
  const absolute = path.resolve(entrypointPath);
  const rootDir = options.rootDir ?? path.dirname(absolute);
  const schema = typeof options.schema === 'string' ? (JSON.parse(await readFile(options.schema, 'utf8')) as JobSchema) : options.schema;
  const className = options.className ?? (schema ? schema.exportName : undefined);
  const env = options.env ?? process.env;
  const isolation = options.overrides?.isolation ?? (env['JOB_ISOLATION'] === 'none' ? 'none' : 'worker');
  const fileSource = { path: absolute, ...(className ? { className } : {}) };
  const host = isolation === 'none' ? new InThreadHost({ kind: 'file', ...fileSource }) : new WorkerHost(fileSource);
  return start(host, rootDir, { ...options, ...(schema ? { schema } : {}) });
}

async function start(host: EntrypointHost, rootDir: string, options: ServeOptions): Promise<JobServer> {
  const env = options.env ?? process.env;
  const manifest = typeof options.manifest === 'object'
    ? options.manifest
    : loadManifest({ ...(options.manifest ? { path: options.manifest } : {}), ...(env['JOB_MANIFEST_YAML'] ? { envYaml: env['JOB_MANIFEST_YAML'] } : {}), searchDirs: [rootDir] });
  const config = resolveConfig(env, manifest, { ...options.overrides, ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host ? { host: options.host } : {}) });
  const logger = options.logger ?? createLogger('job', { level: config.logLevel });
  const state = startingState();
  const limiter = createLimiter(config);
  const metrics = new JobMetrics();
  metrics.queueLength = () => limiter.queued;
  const parts: AppParts = {
    config, state, host, rootDir, logger,
    metrics,
    limiter,
    jobSchema: typeof options.schema === 'object' ? options.schema : undefined,
  };
  if (host instanceof WorkerHost) {
    host.onExit = (error) => {
      state.live = false;
      state.ready = false;
      state.error = error.message;
      logger.error({ err: error }, 'job worker thread died');
    };
  }
  let markListening = (): void => {};
  const listening = new Promise<void>((resolve) => (markListening = resolve));
  // A worker starts the entrypoint while the startup app is built (the full app is swapped in only once
  // listening); in-thread user code could block the thread, so it starts after the probes answer.
  const starting = host instanceof WorkerHost ? host.start() : listening.then(() => host.start());
  let current: BuiltApp | undefined;
  const started = starting.then(
    async (info) => {
      await listening;
      state.info = info;
      const full = await buildApp(parts);
      const previous = current;
      current = full;
      state.ready = true;
      await previous?.app.close();
      logger.info({ endpoints: Object.keys(info.endpoints) }, 'job entrypoint ready');
      afterReady(metrics, logger);
    },
  ).catch(
    (error: unknown) => {
      state.info = undefined;
      const detail = (error as { detail?: { message: string; type: string; stack?: string } }).detail;
      state.live = false;
      state.error = detail ? `${detail.type}: ${detail.message}` : describeError(error);
      logger.error({ err: detail ?? error }, 'job entrypoint failed to start');
    },
  );
  const server = createServer((request, response) => current?.listener(request, response));
  try {
    current = await buildApp(parts);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
  } catch (error) {
    await host.close();
    throw error;
  }
  markListening();
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, job: config.jobName, version: config.jobVersion }, 'job server listening; constructing the entrypoint');
  // Only the full app needs the docs module: it loads here while the entrypoint starts.
  void loadDocs().catch((error: unknown) => logger.error({ err: error }, 'could not load the docs module'));
  return {
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    port,
    config,
    state,
    started,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await current?.app.close();
      await host.close();
    },
  };
}

/**
 * Work kept off the path to /ready: the metrics registry, then writing Node's compile cache
 * (a no-op unless NODE_COMPILE_CACHE is set). Node writes it only on a clean exit, and a redeployed
 * job's next start should not depend on how this instance ends.
 */
function afterReady(metrics: JobMetrics, logger: Logger): void {
  metrics.prepare()
    .then(() => flushCompileCache())
    .catch((error: unknown) => logger.error({ err: error }, 'could not build the metrics registry or write the compile cache'));
}
