/** @module The gateway core, independent of any web framework: parse a job URL, resolve it, forward it. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger, describeError, type Logger } from '@racetrack/core';
import type { PubConfig } from './config.ts';
import { createPubMetrics, type PubMetrics, type TargetStats } from './metrics.ts';
import { sendError, type ErrorContext } from './proxy/errors.ts';
import { forward } from './proxy/forward.ts';
import { Upstreams } from './proxy/upstreams.ts';
import { RegistrySync } from './routing/sync.ts';
import { RoutingTable, isTarget, nextReplica, type Resolution, type RouteTarget } from './routing/table.ts';

interface TargetState {
  metrics: TargetStats;
  pathPrefix: string;
}

/** A job URL split into its parts; `rest` keeps the job path and query string exactly as received. */
export interface JobUrl {
  name: string;
  version: string;
  rest: string;
}

/**
 * Splits `url` at `offset` (just after `/job/` or `/fatman/`) into name, version and the rest.
 * Returns undefined when a segment is missing or badly encoded.
 */
export function parseJobUrl(url: string, offset: number): JobUrl | undefined {
  const nameEnd = url.indexOf('/', offset);
  if (nameEnd <= offset) return undefined;
  let versionEnd = nameEnd + 1;
  while (versionEnd < url.length) {
    const c = url.charCodeAt(versionEnd);
    if (c === 47 /* / */ || c === 63 /* ? */) break;
    versionEnd++;
  }
  if (versionEnd === nameEnd + 1) return undefined;
  try {
    const name = url.slice(offset, nameEnd);
    const version = url.slice(nameEnd + 1, versionEnd);
    return {
      name: name.includes('%') ? decodeURIComponent(name) : name,
      version: version.includes('%') ? decodeURIComponent(version) : version,
      rest: url.slice(versionEnd),
    };
  } catch {
    return undefined;
  }
}

/** A running gateway: its request handler, health state, metrics and lifecycle of its background work. */
export interface Pub {
  readonly config: PubConfig;
  readonly metrics: PubMetrics;
  readonly table: RoutingTable;
  readonly sync: RegistrySync;
  /** Handles a raw request whose job part (`{name}/{version}...`) starts at `offset` in `req.url`. */
  handle(req: IncomingMessage, res: ServerResponse, offset: number): void;
  /** Starts the background refresh from lifecycle. */
  start(): void;
  /** Stops refreshing and closes upstream connections. */
  close(): Promise<void>;
}

/** Creates a gateway from a resolved config (see `resolvePubConfig`). */
export function createPub(config: PubConfig, options: { logger?: Logger } = {}): Pub {
  const logger = options.logger ?? createLogger('pub', { level: config.logLevel });
  const metrics = createPubMetrics();
  const table = new RoutingTable();
  const upstreams = new Upstreams({
    client: config.upstreamClient,
    protocol: config.forwardToProtocol,
    connections: config.upstreamConnections,
    connectTimeoutMs: config.connectTimeoutMs,
  });
  const sync = new RegistrySync({
    lifecycleUrl: config.lifecycleUrl,
    lifecycleToken: config.lifecycleToken,
    intervalMs: config.refreshIntervalMs,
    missRefreshMinIntervalMs: config.missRefreshMinIntervalMs,
    missWaitMaxMs: config.missWaitMaxMs,
    timeoutMs: config.lifecycleTimeoutMs,
    table,
    logger,
    onAttempt: (seconds, failed) => {
      metrics.lifecycleCalls.inc();
      metrics.lifecycleCallTime.inc(seconds);
      if (failed) metrics.lifecycleErrors.inc();
    },
    onChange: (hosts) => upstreams.retain(hosts),
  });
  const { tracingHeader, callerNameHeader } = config;

  /** Per-target state built once: metric children and the instance-side path prefix. */
  function stateOf(target: RouteTarget): TargetState {
    if (target.slot === undefined) {
      const pathPrefix = `/pub/job/${encodeURIComponent(target.name)}/${encodeURIComponent(target.version)}`;
      target.slot = { metrics: metrics.forTarget(target.name, target.version), pathPrefix } satisfies TargetState;
    }
    return target.slot as TargetState;
  }

  function send(req: IncomingMessage, res: ServerResponse, target: RouteTarget, job: JobUrl, requestId: string): void {
    const replica = nextReplica(target) as string;
    const caller = req.headers[callerNameHeader] as string | undefined;
    const state = stateOf(target);
    forward(req, res, {
      pool: upstreams.get(replica),
      path: state.pathPrefix + job.rest,
      requestId,
      tracingHeader,
      timeoutMs: config.requestTimeoutMs,
      bufferBodyUpTo: config.bufferBodyUpTo,
      metrics,
      target: state.metrics,
      jobStatus: target.status,
      caller,
      replica,
      logger,
    });
  }

  function fail(res: ServerResponse, resolution: Exclude<Resolution, RouteTarget>, job: JobUrl, context: ErrorContext): void {
    let { code, message } = resolution;
    if (!table.loaded || (table.size === 0 && sync.lastError !== undefined)) {
      code = 'UNAVAILABLE';
      message = `PUB cannot route yet: it has no job list because lifecycle at ${config.lifecycleUrl} is unreachable (${sync.lastError ?? 'no answer yet'})`;
    } else if (sync.lastError !== undefined) {
      message += ` (the job list may be stale: lifecycle is unreachable: ${sync.lastError})`;
    }
    sendError(res, code, message, { ...context, jobName: job.name, jobVersion: job.version, jobStatus: resolution.jobStatus });
  }

  function handle(req: IncomingMessage, res: ServerResponse, offset: number): void {
    const incomingId = req.headers[tracingHeader];
    const requestId = typeof incomingId === 'string' && incomingId !== '' ? incomingId : randomUUID();
    const job = parseJobUrl(req.url ?? '', offset);
    if (!job) {
      sendError(res, 'BAD_REQUEST', 'expected a path like /pub/job/{name}/{version}/{endpoint}', { requestId, tracingHeader });
      return;
    }
    const resolution = table.resolve(job.name, job.version);
    if (isTarget(resolution)) {
      send(req, res, resolution, job, requestId);
      return;
    }
    const context: ErrorContext = { requestId, tracingHeader, caller: req.headers[callerNameHeader] as string | undefined };
    // A miss may only mean the table is a moment old (a job deployed or turned running just now):
    // wait for a listing fetched after this request arrived (rate-limited), then look again.
    sync
      .refreshOnMiss()
      .then((refreshed) => {
        const retry = refreshed ? table.resolve(job.name, job.version) : resolution;
        if (isTarget(retry)) send(req, res, retry, job, requestId);
        else fail(res, retry, job, context);
      })
      .catch((error: unknown) => {
        logger.error({ err: error, requestId }, 'routing a request after a miss failed unexpectedly');
        sendError(res, 'INTERNAL', `PUB failed to route the request: ${describeError(error)}`, context);
      });
  }

  return {
    config,
    metrics,
    table,
    sync,
    handle,
    start: () => sync.start(),
    close: async () => {
      sync.stop();
      await upstreams.close();
    },
  };
}
