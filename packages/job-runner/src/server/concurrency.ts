/** @module The concurrency cap (jobtype_extra.max_concurrency / max_concurrency_queue): FIFO waiting, 429 beyond the queue. */
import { RacetrackError } from '@racetrack/core';

/** Lets at most `max` calls run at once; later ones wait in arrival order, up to `queue` of them. */
export class ConcurrencyLimiter {
  private readonly max: number;
  private readonly queue: number | undefined;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** `max` 0 means unlimited; `queue` undefined means an unbounded queue. */
  constructor(max: number, queue: number | undefined) {
    this.max = max;
    this.queue = queue;
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `fn` when a slot is free; throws TOO_MANY_REQUESTS when the queue is full. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    // Unlimited (the default) must cost nothing: no extra promise around the call.
    return this.max <= 0 ? fn() : this.runLimited(fn);
  }

  private async runLimited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    else {
      if (this.queue !== undefined && this.waiting.length >= this.queue) {
        throw new RacetrackError('TOO_MANY_REQUESTS', `too many requests waiting in a queue (max_concurrency ${this.max}, max_concurrency_queue ${this.queue})`);
      }
      // The finishing call hands its slot straight to the first waiter, so `active` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
