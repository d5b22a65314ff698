/**
 * @module Runs `writeJobSchema` in a worker thread that exits when builds stop, so the
 * TypeScript compiler (about 100 MB) does not stay in the server's memory after a build.
 */
import { Worker } from 'node:worker_threads';
import { RacetrackError, type ErrorCode } from '@racetrack/core';

/** How long an idle worker is kept for the next build (builds often come in bursts). */
const idleMs = 30_000;

interface SchemaRequest { id: number; entrypoint: string; schemaPath: string; options: { className?: string } }
type SchemaReply = { id: number; ok: true } | { id: number; ok: false; code?: string; message: string; details?: Record<string, unknown> };

let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

function startWorker(): Worker {
  const started = new Worker(new URL('./schema-worker-main.ts', import.meta.url));
  started.unref();
  started.on('message', (reply: SchemaReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve();
    else waiter.reject(new RacetrackError((reply.code ?? 'BUILD_FAILED') as ErrorCode, reply.message, reply.details ? { details: reply.details } : undefined));
    if (pending.size === 0) scheduleExit();
  });
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    if (worker === started) worker = undefined;
  };
  started.on('error', (error) => failAll(new RacetrackError('BUILD_FAILED', `the signature extractor crashed: ${error.message}`, { cause: error })));
  started.on('exit', (code) => failAll(new RacetrackError('BUILD_FAILED', `the signature extractor exited with code ${code}`)));
  return started;
}

function scheduleExit(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    const idle = worker;
    worker = undefined;
    void idle?.terminate();
  }, idleMs);
  idleTimer.unref();
}

/** Writes `perform.schema.json` for `entrypoint` in the shared signature worker. */
export function writeJobSchemaIsolated(entrypoint: string, schemaPath: string, options: { className?: string }): Promise<void> {
  clearTimeout(idleTimer);
  worker ??= startWorker();
  const request: SchemaRequest = { id: nextId++, entrypoint, schemaPath, options };
  return new Promise<void>((resolve, reject) => {
    pending.set(request.id, { resolve, reject });
    worker!.postMessage(request);
  });
}

/** True while a signature worker is alive (tests check that it goes away when idle). */
export function signatureWorkerAlive(): boolean {
  return worker !== undefined;
}


/** Ends the worker now (server shutdown, tests); the next build starts a new one. */
export async function stopSignatureWorker(): Promise<void> {
  clearTimeout(idleTimer);
  const running = worker;
  worker = undefined;
  await running?.terminate();
}
