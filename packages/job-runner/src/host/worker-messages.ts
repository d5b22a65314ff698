/** @module Messages between the server thread and the worker thread running user code. */
import type { EntrypointInfo, RequestContextData, SerializedError, WebviewRequest } from './protocol.ts';

export type ToWorker =
  | { kind: 'call'; id: number; endpoint: string; args: unknown[]; context: RequestContextData }
  | { kind: 'metrics'; id: number }
  | { kind: 'webview'; id: number; request: WebviewRequest; baseUrl: string };

export type FromWorker =
  | { kind: 'ready'; info: EntrypointInfo }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: SerializedError };
