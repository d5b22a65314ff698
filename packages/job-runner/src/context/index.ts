/**
 * @module The current request, visible to user code (getRequestContext) and to chain calls.
 * The store lives on globalThis under a registered symbol, so every copy of this package in
 * one thread (runner's and the job's own) shares it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestContextData } from '../host/protocol.ts';

const key = Symbol.for('racetrack.job-runner.request-context');
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<RequestContextData> | undefined>;
const storage: AsyncLocalStorage<RequestContextData> = holder[key] ?? new AsyncLocalStorage<RequestContextData>();
holder[key] = storage;

/** Runs `fn` with `context` as the current request. */
export function runWithRequestContext<T>(context: RequestContextData, fn: () => T): T {
  return storage.run(context, fn);
}

/** The request being served (id and the headers that matter downstream), or undefined outside a request. */
export function getRequestContext(): RequestContextData | undefined {
  return storage.getStore();
}
