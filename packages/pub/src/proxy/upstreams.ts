/** @module One keep-alive connection pool per job instance, created on first use and closed when the instance goes away. */
import { Pool, type Dispatcher } from 'undici';
import { LeanPool } from './lean-client.ts';

/** What forwarding needs of a pool: undici's `Pool` and our `LeanPool` both fit. */
export interface UpstreamPool {
  dispatch(
    options: { path: string; method: string; headers: string[]; body: Buffer | import('node:http').IncomingMessage | null; headersTimeout: number; bodyTimeout: number },
    handler: Dispatcher.DispatchHandler,
  ): unknown;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

export interface UpstreamOptions {
  /** `lean` (our HTTP/1.1 client; plain http only) or `undici`. */
  client: 'undici' | 'lean';
  protocol: 'http' | 'https';
  connections: number;
  connectTimeoutMs: number;
}

/** The pools PUB forwards through, keyed by `host:port`. */
export class Upstreams {
  readonly #pools = new Map<string, UpstreamPool>();
  readonly #options: UpstreamOptions;

  constructor(options: UpstreamOptions) {
    this.#options = options;
  }

  /** The pool for an instance address, created on first use. */
  get(hostPort: string): UpstreamPool {
    let pool = this.#pools.get(hostPort);
    if (!pool && this.#options.client === 'lean' && this.#options.protocol === 'http') {
      pool = new LeanPool(hostPort, { connections: this.#options.connections, connectTimeoutMs: this.#options.connectTimeoutMs });
      this.#pools.set(hostPort, pool);
    }
    if (!pool) {
      pool = new Pool(`${this.#options.protocol}://${hostPort}`, {
        connections: this.#options.connections,
        pipelining: 1,
        connect: { timeout: this.#options.connectTimeoutMs },
        keepAliveTimeout: 30_000,
      });
      this.#pools.set(hostPort, pool);
    }
    return pool;
  }

  /** Closes pools of instances no longer in the routing table (in-flight requests finish first). */
  retain(hosts: Set<string>): void {
    for (const [hostPort, pool] of this.#pools) {
      if (hosts.has(hostPort)) continue;
      this.#pools.delete(hostPort);
      void pool.close();
    }
  }

  /** Closes every pool: calls in flight get `graceMs` to finish, then are aborted. */
  async close(graceMs = 5_000): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(
      pools.map(async (pool) => {
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
        const outcome = await Promise.race([pool.close().then(() => 'closed' as const), graceOver]);
        clearTimeout(timer);
        if (outcome === 'timeout') await pool.destroy();
      }),
    );
  }
}
