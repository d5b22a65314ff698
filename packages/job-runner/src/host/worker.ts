/** @module The worker thread's main: loads the entrypoint and answers the server's messages. */
import { flushCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { loadEntrypoint, serializeError, type EntrypointSource, type LoadedEntrypoint } from './entrypoint.ts';
import type { CallBatch, CallMessage, CallResult, ResultBatch, ToWorker } from './worker-messages.ts';

const port = parentPort;
if (!port) throw new Error('host/worker.ts must run as a worker thread');
const source = workerData as EntrypointSource;

let loaded: LoadedEntrypoint | undefined;
try {
  loaded = await loadEntrypoint(source);
  port.postMessage({ kind: 'ready', info: loaded.info });
} catch (error) {
  port.postMessage({ kind: 'failed', error: serializeError(error) });
}
// The job's modules are loaded: write their compile cache now (no-op without NODE_COMPILE_CACHE), not only at a clean exit.
if (loaded) flushCompileCache();

port.on('message', (message: ToWorker) => {
  if (Array.isArray(message)) callAll(message);
  else void answer(message);
});

/** Results of this event-loop turn, posted together (see CallBatch). */
let outbox: ResultBatch = [];
function flush(): void {
  const batch = outbox;
  outbox = [];
  port?.postMessage(batch);
}

function reply(result: CallResult): void {
  if (outbox.push(result) === 1) setImmediate(flush);
}

function callAll(batch: CallBatch): void {
  for (const message of batch) call(message);
}

function call([id, endpoint, args, context]: CallMessage): void {
  try {
    if (!loaded) throw new Error('entrypoint failed to load');
    const result = loaded.call(endpoint, args, context);
    if (typeof result === 'string') reply([id, result]);
    else result.then((json) => reply([id, json]), (error: unknown) => fail(id, error));
  } catch (error) {
    fail(id, error);
  }
}

function fail(id: number, error: unknown): void {
  port?.postMessage({ kind: 'result', id, ok: false, error: serializeError(error) });
}

async function answer(message: Exclude<ToWorker, CallBatch>): Promise<void> {
  try {
    if (!loaded) throw new Error('entrypoint failed to load');
    const value = message.kind === 'metrics' ? await loaded.metrics() : await loaded.webview(message.request, message.baseUrl);
    port?.postMessage({ kind: 'result', id: message.id, ok: true, value });
  } catch (error) {
    fail(message.id, error);
  }
}
