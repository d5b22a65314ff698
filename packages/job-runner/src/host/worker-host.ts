/**
 * @module Runs user code in a worker thread, so a CPU-bound perform never starves probes,
 * metrics or the request queue served by the main thread.
 */
import { Worker } from 'node:worker_threads';
import { UserCodeError, type EntrypointHost, type EntrypointInfo, type RequestContextData, type SerializedError, type UserMetric, type WebviewRequest, type WebviewResponse } from './protocol.ts';
import type { CallBatch, CallMessage, FromWorker, ToWorker } from './worker-messages.ts';

/** The worker's main beside this module: `worker.ts` from source, `worker.js` in the runner bundle (one directory). */
const workerScript = new URL(import.meta.url.endsWith('.js') ? './worker.js' : './worker.ts', import.meta.url);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** A host that loads the entrypoint module inside one worker thread. */
export class WorkerHost implements EntrypointHost {
  private readonly path: string;
  private readonly className: string | undefined;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Calls of this event-loop turn, posted together by `flush`. */
  private outbox: CallBatch = [];
  private readonly flush = (): void => {
    const batch = this.outbox;
    this.outbox = [];
    this.worker?.postMessage(batch);
  };
  private exitError: SerializedError | undefined;
  /** Called when the worker dies after a successful start (e.g. user code calls process.exit). */
  onExit: ((error: SerializedError) => void) | undefined;

  constructor(options: { path: string; className?: string }) {
    this.path = options.path;
    this.className = options.className;
  }

  start(): Promise<EntrypointInfo> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerScript, {
        workerData: { kind: 'file', path: this.path, className: this.className },
      });
      this.worker = worker;
      worker.on('message', (message: FromWorker) => {
        if (Array.isArray(message)) for (const [id, json] of message) this.resolve(id, json);
        else if (message.kind === 'ready') resolve(message.info);
        else if (message.kind === 'failed') reject(new UserCodeError(message.error));
        else this.settle(message);
      });
      worker.on('error', (error) => {
        this.exitError = { message: error.message, type: error.name, ...(error.stack ? { stack: error.stack } : {}) };
      });
      worker.on('exit', (code) => {
        const error = this.exitError ?? { message: `job worker thread exited with code ${code}`, type: 'WorkerExit' };
        this.worker = undefined;
        reject(new UserCodeError(error));
        for (const pending of this.pending.values()) pending.reject(new UserCodeError(error));
        this.pending.clear();
        this.onExit?.(error);
      });
    });
  }

  call(endpoint: string, args: unknown[], context: RequestContextData): Promise<string> {
    const worker = this.worker;
    if (!worker) return Promise.reject(this.notRunning());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      // After the poll phase: every call that arrived in this turn goes in one message.
      if (this.outbox.push([id, endpoint, args, context] satisfies CallMessage) === 1) setImmediate(this.flush);
    });
  }

  async metrics(): Promise<UserMetric[]> {
    return (await this.send({ kind: 'metrics' })) as UserMetric[];
  }

  async webview(request: WebviewRequest, baseUrl: string): Promise<WebviewResponse> {
    return (await this.send({ kind: 'webview', request, baseUrl })) as WebviewResponse;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.onExit = undefined;
    if (worker) await worker.terminate();
  }

  private notRunning(): UserCodeError {
    return new UserCodeError(this.exitError ?? { message: 'job is not running', type: 'NotRunning', status: 503 });
  }

  private send(message: DistributiveOmit<Exclude<ToWorker, CallBatch>, 'id'>): Promise<unknown> {
    const worker = this.worker;
    if (!worker) return Promise.reject(this.notRunning());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id } as ToWorker);
    });
  }

  private resolve(id: number, json: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.resolve(json);
  }

  private settle(message: Extract<FromWorker, { kind: 'result' }>): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new UserCodeError(message.error));
  }
}
