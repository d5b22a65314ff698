/** @module The worker thread's main: loads the entrypoint and answers the server's messages. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEntrypoint, serializeError, type EntrypointSource, type LoadedEntrypoint } from './entrypoint.ts';
import type { CallMessage, CallResult, ToWorker } from './worker-messages.ts';

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

port.on('message', (message: ToWorker) => {
  if (Array.isArray(message)) call(message);
  else void answer(message);
});

function call([id, endpoint, args, context]: CallMessage): void {
  try {
    if (!loaded) throw new Error('entrypoint failed to load');
    const result = loaded.call(endpoint, args, context);
    if (typeof result === 'string') port?.postMessage([id, result] satisfies CallResult);
    else result.then((json) => port?.postMessage([id, json] satisfies CallResult), (error: unknown) => fail(id, error));
  } catch (error) {
    fail(id, error);
  }
}

function fail(id: number, error: unknown): void {
  port?.postMessage({ kind: 'result', id, ok: false, error: serializeError(error) });
}

async function answer(message: Exclude<ToWorker, CallMessage>): Promise<void> {
  try {
    if (!loaded) throw new Error('entrypoint failed to load');
    const value = message.kind === 'metrics' ? await loaded.metrics() : await loaded.webview(message.request, message.baseUrl);
    port?.postMessage({ kind: 'result', id: message.id, ok: true, value });
  } catch (error) {
    fail(message.id, error);
  }
}
