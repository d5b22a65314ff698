/** @module Runs user code in the server's own thread: for serveJob(class|instance) and the benchmark's baseline. */
import { loadEntrypoint, serializeError, type EntrypointSource, type LoadedEntrypoint } from './entrypoint.ts';
import { UserCodeError, type EntrypointHost, type EntrypointInfo, type RequestContextData, type UserMetric, type WebviewRequest, type WebviewResponse } from './protocol.ts';

/** A host without isolation: a CPU-bound perform delays probes while it runs. */
export class InThreadHost implements EntrypointHost {
  private readonly source: EntrypointSource;
  private loaded: LoadedEntrypoint | undefined;

  constructor(source: EntrypointSource) {
    this.source = source;
  }

  async start(): Promise<EntrypointInfo> {
    this.loaded = await userCode(() => loadEntrypoint(this.source));
    return this.loaded.info;
  }

  call(endpoint: string, args: unknown[], context: RequestContextData): Promise<string> {
    try {
      const result = this.entrypoint().call(endpoint, args, context);
      return typeof result === 'string' ? Promise.resolve(result) : result.catch(rethrowAsUserError);
    } catch (error) {
      return Promise.reject(asUserError(error));
    }
  }

  metrics(): Promise<UserMetric[]> {
    return userCode(() => this.entrypoint().metrics());
  }

  webview(request: WebviewRequest, baseUrl: string): Promise<WebviewResponse> {
    return userCode(() => this.entrypoint().webview(request, baseUrl));
  }

  async close(): Promise<void> {}

  private entrypoint(): LoadedEntrypoint {
    if (!this.loaded) throw new UserCodeError({ message: 'job is not ready yet', type: 'NotReady', status: 503 });
    return this.loaded;
  }
}

async function userCode<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asUserError(error);
  }
}

function asUserError(error: unknown): UserCodeError {
  return error instanceof UserCodeError ? error : new UserCodeError(serializeError(error));
}

function rethrowAsUserError(error: unknown): never {
  throw asUserError(error);
}
