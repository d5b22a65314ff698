/** @module The worker thread's main: loads the entrypoint and answers the server's messages. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEntrypoint, serializeError, type EntrypointSource, type LoadedEntrypoint } from './entrypoint.ts';
import type { ToWorker } from './worker-messages.ts';

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
  void answer(message);
});

async function answer(message: ToWorker): Promise<void> {
  try {
    if (!loaded) throw new Error('entrypoint failed to load');
    let value: unknown;
    if (message.kind === 'call') value = await loaded.call(message.endpoint, message.args, message.context);
    else if (message.kind === 'metrics') value = await loaded.metrics();
    else value = await loaded.webview(message.request, message.baseUrl);
    port?.postMessage({ kind: 'result', id: message.id, ok: true, value });
  } catch (error) {
    port?.postMessage({ kind: 'result', id: message.id, ok: false, error: serializeError(error) });
  }
}
