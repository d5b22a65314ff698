import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './index.ts';

test('attempts back off exponentially up to the cap and reset after staying up', () => {
  const backoff = new Backoff({ initialMs: 1000, maxMs: 4000, resetAfterMs: 10_000 });
  assert.equal(backoff.due('a#0', 0), true);
  backoff.attempted('a#0', 0);
  assert.equal(backoff.due('a#0', 999), false);
  assert.equal(backoff.due('a#0', 1000), true);
  backoff.attempted('a#0', 1000);
  assert.equal(backoff.due('a#0', 2999), false);
  backoff.attempted('a#0', 3000);
  backoff.attempted('a#0', 7000);
  assert.equal(backoff.due('a#0', 10_999), false);
  assert.equal(backoff.due('a#0', 11_000), true);
  backoff.up('a#0', 20_000);
  backoff.up('a#0', 30_000);
  assert.equal(backoff.attempts('a#0'), 0);
});
