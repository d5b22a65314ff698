/** @module Messages between the server thread and the worker thread running user code. */
import type { EntrypointInfo, RequestContextData, SerializedError, WebviewRequest } from './protocol.ts';

/** A call, sent as a tuple: the hot path, and tuples clone faster than objects. */
export type CallMessage = [id: number, endpoint: string, args: unknown[], context: RequestContextData];

/** A successful call's JSON text. */
export type CallResult = [id: number, json: string];

/**
 * Calls (and results) travel in batches: one postMessage per event-loop turn instead of one per
 * call, because each message costs a wake-up of the other thread, the largest part of a trivial call.
 */
export type CallBatch = CallMessage[];
export type ResultBatch = CallResult[];

export type ToWorker =
  | CallBatch
  | { kind: 'metrics'; id: number }
  | { kind: 'webview'; id: number; request: WebviewRequest; baseUrl: string };

export type FromWorker =
  | ResultBatch
  | { kind: 'ready'; info: EntrypointInfo }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: SerializedError };
