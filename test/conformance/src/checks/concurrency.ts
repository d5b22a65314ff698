/** @module Concurrency cap check: beyond max_concurrency + max_concurrency_queue, requests get 429. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { send } from '../http.ts';
import type { CheckContext } from './context.ts';

/** Registers the concurrency check when the sample is started with a cap. */
export function concurrencyChecks(ctx: CheckContext): void {
  const cap = ctx.sample.concurrency;
  if (!cap) return;
  test(`max_concurrency ${cap.maxConcurrency} with queue ${cap.maxQueue}: the surplus gets 429, the rest succeed`, async () => {
    const accepted = cap.maxConcurrency + cap.maxQueue;
    const total = accepted + 2;
    const answers = await Promise.all(
      Array.from({ length: total }, () => send(ctx.baseUrl(), 'POST', '/api/v1/perform', cap.slowInput)),
    );
    const statuses = answers.map((a) => a.status).sort((a, b) => a - b);
    assert.deepEqual(statuses, [...Array<number>(accepted).fill(200), 429, 429], JSON.stringify(answers.map((a) => a.text)));
  });
}
