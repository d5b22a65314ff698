/** @module One keep-alive connection pool per job instance, created on first use and closed when the instance goes away. */
import { Pool } from 'undici';

export interface UpstreamOptions {
  protocol: 'http' | 'https';
  connections: number;
  connectTimeoutMs: number;
}

/** The pools PUB forwards through, keyed by `host:port`. */
export class Upstreams {
  readonly #pools = new Map<string, Pool>();
  readonly #options: UpstreamOptions;

  constructor(options: UpstreamOptions) {
    this.#options = options;
  }

  /** The pool for an instance address, created on first use. */
  get(hostPort: string): Pool {
    let pool = this.#pools.get(hostPort);
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
