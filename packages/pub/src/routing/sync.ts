/** @module Keeps the routing table fresh from lifecycle: a background refresh loop plus rate-limited refreshes on a miss. */
import { performance } from 'node:perf_hooks';
import { describeError, type JobDto, type Logger } from '@racetrack/core';
import type { RoutingTable } from './table.ts';

export interface RegistrySyncOptions {
  lifecycleUrl: string;
  lifecycleToken: string;
  intervalMs: number;
  missRefreshMinIntervalMs: number;
  /** Longest a miss waits for the rate limit to allow a refresh; beyond it the miss answers from the current table. */
  missWaitMaxMs: number;
  timeoutMs: number;
  table: RoutingTable;
  logger: Logger;
  /** Called after every attempt, with the duration and whether it failed (metrics). */
  onAttempt?: (seconds: number, failed: boolean) => void;
  /** Called when the table changed, with the set of hosts still in use. */
  onChange?: (hosts: Set<string>) => void;
}

/**
 * Pulls `GET {lifecycleUrl}/api/v1/job` every `intervalMs` (never two at once) and on demand when a
 * request misses. A miss waits for a listing fetched *after* it happened (a refresh in flight that
 * started earlier may carry the state from before a deploy finished); misses share one such refresh,
 * and a new one starts at most once per `missRefreshMinIntervalMs`, so a flood of 404s costs
 * lifecycle a handful of calls per second.
 */
export class RegistrySync {
  readonly #options: RegistrySyncOptions;
  #inFlight: Promise<void> | undefined;
  #lastStartedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #etag: string | undefined;
  /** Shared wake-up of misses waiting for the rate limit to allow the next refresh. */
  #rateLimitWait: { promise: Promise<void>; wake: () => void; timer: NodeJS.Timeout } | undefined;
  /** Why the last refresh failed; undefined after a success. */
  lastError: string | undefined;

  constructor(options: RegistrySyncOptions) {
    this.#options = options;
  }

  /** Starts the background loop with an immediate first refresh. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#loop();
  }

  /** Stops the loop; a refresh in flight finishes but schedules nothing. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#rateLimitWait) {
      clearTimeout(this.#rateLimitWait.timer);
      this.#rateLimitWait.wake();
    }
  }

  async #loop(): Promise<void> {
    await this.refresh();
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#loop(), this.#options.intervalMs);
    this.#timer.unref();
  }

  /** Refreshes now, or joins the refresh already in flight. Never rejects. */
  refresh(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    this.#lastStartedAt = performance.now();
    this.#inFlight = this.#fetchOnce().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /**
   * For a request that found nothing: waits until a listing fetched after this call has been applied,
   * so a job that turned `running` a moment ago is seen. Returns false (answer from the current table)
   * when the rate limit would hold the request longer than `missWaitMaxMs`, or when PUB is stopped.
   */
  async refreshOnMiss(): Promise<boolean> {
    const { missRefreshMinIntervalMs, missWaitMaxMs } = this.#options;
    const missedAt = performance.now();
    let refreshed = false;
    while (!this.#stopped) {
      if (this.#inFlight) {
        const fresh = this.#lastStartedAt >= missedAt;
        await this.#inFlight;
        refreshed = true;
        if (fresh) return true;
        continue;
      }
      if (this.#lastStartedAt >= missedAt) return true;
      const now = performance.now();
      const wait = this.#lastStartedAt + missRefreshMinIntervalMs - now;
      if (wait <= 0) {
        await this.refresh();
        return true;
      }
      if (now + wait > missedAt + missWaitMaxMs) return refreshed;
      await this.#waitForRateLimit(wait);
    }
    return refreshed;
  }

  /** One timer shared by every miss waiting for the rate limit. */
  #waitForRateLimit(ms: number): Promise<void> {
    if (this.#rateLimitWait) return this.#rateLimitWait.promise;
    let wake = () => {};
    const promise = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const timer = setTimeout(() => {
      this.#rateLimitWait = undefined;
      wake();
    }, Math.ceil(ms));
    this.#rateLimitWait = { promise, wake, timer };
    return promise;
  }

  async #fetchOnce(): Promise<void> {
    const { lifecycleUrl, lifecycleToken, timeoutMs, table, logger } = this.#options;
    const started = performance.now();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (lifecycleToken) headers['x-racetrack-auth'] = lifecycleToken;
    if (this.#etag && table.loaded) headers['if-none-match'] = this.#etag;
    let failed = false;
    try {
      const response = await fetch(`${lifecycleUrl}/api/v1/job`, { headers, signal: AbortSignal.timeout(timeoutMs) });
      if (response.status === 304) {
        await response.body?.cancel();
      } else if (!response.ok) {
        const text = (await response.text()).slice(0, 300);
        throw new Error(`lifecycle answered ${response.status} to GET ${lifecycleUrl}/api/v1/job: ${text}`);
      } else {
        const jobs = (await response.json()) as unknown;
        if (!Array.isArray(jobs)) throw new Error(`lifecycle's GET ${lifecycleUrl}/api/v1/job did not return a JSON array`);
        this.#etag = response.headers.get('etag') ?? undefined;
        if (table.replace(jobs as JobDto[])) this.#options.onChange?.(table.hosts());
      }
      if (this.lastError !== undefined) logger.info({ lifecycleUrl }, 'routing table refresh works again');
      this.lastError = undefined;
    } catch (error) {
      failed = true;
      const cause = error instanceof Error && error.cause ? `: ${describeError(error.cause)}` : '';
      const message = `${describeError(error)}${cause}`;
      if (this.lastError === undefined) logger.warn({ lifecycleUrl, error: message }, 'routing table refresh failed; serving the last known table');
      this.lastError = message;
    } finally {
      this.#options.onAttempt?.((performance.now() - started) / 1000, failed);
    }
  }
}
