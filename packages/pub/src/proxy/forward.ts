/** @module The hot path: one proxied exchange, streaming the request to a job instance and its answer back. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
// Imported rather than the global: in Node 24 the global `performance` is a lazy getter, measurable per call.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { Logger } from '@racetrack/core';
import type { PubMetrics, TargetStats } from '../metrics.ts';
import { downstreamHeaders, upstreamHeaders } from './headers.ts';
import { classifyFailure, sendError } from './errors.ts';
import type { UpstreamPool } from './upstreams.ts';

/** What a forward needs besides the request itself. */
export interface ForwardContext {
  pool: UpstreamPool;
  /** Path on the instance, query string included. */
  path: string;
  requestId: string;
  tracingHeader: string;
  timeoutMs: number;
  /** Bodies with a Content-Length up to this many bytes are read whole, then sent in one write. */
  bufferBodyUpTo: number;
  metrics: PubMetrics;
  target: TargetStats;
  jobStatus: string;
  caller: string | undefined;
  /** The instance address, for logs. */
  replica: string;
  logger: Logger;
}

/**
 * One request/response exchange as an undici dispatch handler: no intermediate stream objects; chunks
 * go straight to the client socket, with backpressure.
 */
class Exchange implements Dispatcher.DispatchHandler {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #ctx: ForwardContext;
  readonly #startedAt: number;
  #controller: Dispatcher.DispatchController | undefined;
  #remaining = -1;
  #finished = false;

  constructor(req: IncomingMessage, res: ServerResponse, ctx: ForwardContext) {
    this.#req = req;
    this.#res = res;
    this.#ctx = ctx;
    this.#startedAt = performance.now();
    res.once('close', this.#onClientClose);
  }

  readonly #onClientClose = (): void => {
    if (this.#finished) return;
    // The client went away: stop the job's work instead of reading an answer nobody wants.
    const error = Object.assign(new Error('client closed the connection'), { code: 'UND_ERR_ABORTED' });
    this.#controller?.abort(error);
  };

  readonly #resume = (): void => this.#controller?.resume();

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#res.destroyed) controller.abort(Object.assign(new Error('client closed the connection'), { code: 'UND_ERR_ABORTED' }));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    const length = headers['content-length'];
    if (length !== undefined && this.#req.method !== 'HEAD') this.#remaining = Number(length);
    this.#res.writeHead(statusCode, downstreamHeaders(headers, this.#ctx.tracingHeader, this.#ctx.requestId));
    this.#ctx.target.countCode(statusCode);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#remaining >= 0) {
      this.#remaining -= chunk.length;
      // The last chunk of a sized body goes out with end(): one write instead of two.
      if (this.#remaining === 0) {
        this.#finish();
        this.#res.end(chunk);
        return;
      }
    }
    if (!this.#res.write(chunk)) {
      controller.pause();
      this.#res.once('drain', this.#resume);
    }
  }

  onResponseEnd(): void {
    if (this.#finished) return;
    this.#finish();
    this.#res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const alreadyFinished = this.#finished;
    this.#finished = true;
    if (alreadyFinished) return;
    const { metrics, target, requestId, tracingHeader } = this.#ctx;
    const kind = classifyFailure(error);
    metrics.errors.inc();
    metrics.failures[kind.failure].inc();
    const message = `Reverse proxy error: ${kind.phrase} (${error.message})`;
    const code = (error as { code?: string }).code;
    this.#ctx.logger.warn({ requestId, job: target.name, version: target.version, replica: this.#ctx.replica, code, error: error.message }, message);
    if (kind.failure === 'context_canceled' || this.#res.headersSent) {
      this.#res.destroy();
      return;
    }
    target.countCode(kind.code === 'JOB_TIMEOUT' ? 504 : 502);
    sendError(this.#res, kind.code, message, {
      requestId,
      tracingHeader,
      jobName: target.name,
      jobVersion: target.version,
      jobStatus: this.#ctx.jobStatus,
      caller: this.#ctx.caller,
    });
  }

  #finish(): void {
    this.#finished = true;
    this.#ctx.metrics.observe(this.#ctx.target, (performance.now() - this.#startedAt) / 1000);
  }
}

function dispatch(req: IncomingMessage, ctx: ForwardContext, exchange: Exchange, body: Buffer | IncomingMessage | null): void {
  ctx.pool.dispatch(
    {
      path: ctx.path,
      method: req.method ?? 'GET',
      headers: upstreamHeaders(req, ctx.tracingHeader, ctx.requestId),
      body,
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
    },
    exchange,
  );
}

/**
 * Forwards `req` to the instance behind `ctx.pool` and streams the answer into `res`. Request bodies
 * stream too, except small ones of declared length: those usually arrive with the headers, and sending
 * them as one buffer spares a stream pipeline per call (measured: see the package README).
 */
export function forward(req: IncomingMessage, res: ServerResponse, ctx: ForwardContext): void {
  ctx.target.requests++;
  ctx.target.started++;
  const exchange = new Exchange(req, res, ctx);
  const length = req.headers['content-length'];
  if (length === undefined) {
    dispatch(req, ctx, exchange, req.headers['transfer-encoding'] === undefined ? null : req);
  } else if (length === '0') {
    dispatch(req, ctx, exchange, null);
  } else if (Number(length) > ctx.bufferBodyUpTo) {
    dispatch(req, ctx, exchange, req);
  } else {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => dispatch(req, ctx, exchange, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    // A client that drops mid-body gets nothing sent on its behalf.
    req.once('error', () => res.destroy());
  }
}
