/** @module Exponential backoff per key: when the next restart attempt of a replica may happen. */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A replica that stays up this long has its attempts forgotten. */
  resetAfterMs: number;
}

interface Entry {
  attempts: number;
  nextAt: number;
  upSince?: number;
}

/** Tracks attempts per key (e.g. job id + replica). */
export class Backoff {
  readonly #options: BackoffOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(options: BackoffOptions) {
    this.#options = options;
  }

  /** True when an attempt for `key` is due now. */
  due(key: string, now: number): boolean {
    return now >= (this.#entries.get(key)?.nextAt ?? 0);
  }

  /** Records an attempt; the next one waits initial * 2^attempts, capped. */
  attempted(key: string, now: number): number {
    const entry = this.#entries.get(key) ?? { attempts: 0, nextAt: 0 };
    entry.attempts += 1;
    entry.nextAt = now + Math.min(this.#options.initialMs * 2 ** (entry.attempts - 1), this.#options.maxMs);
    delete entry.upSince;
    this.#entries.set(key, entry);
    return entry.attempts;
  }

  /** Records that `key` is up; forgets its attempts once it has stayed up long enough. */
  up(key: string, now: number): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.upSince ??= now;
    if (now - entry.upSince >= this.#options.resetAfterMs) this.#entries.delete(key);
  }

  attempts(key: string): number {
    return this.#entries.get(key)?.attempts ?? 0;
  }

  /** Forgets keys not in `live` (deleted jobs). */
  retain(live: ReadonlySet<string>): void {
    for (const key of this.#entries.keys()) if (!live.has(key.split('#')[0] ?? key)) this.#entries.delete(key);
  }
}
