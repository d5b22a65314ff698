import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimiter } from './concurrency.ts';

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

test('runs everything at once when unlimited', async () => {
  const limiter = new ConcurrencyLimiter(0, undefined);
  const g = gate();
  const calls = [1, 2, 3].map((n) => limiter.run(async () => (await g.wait, n)));
  g.open();
  assert.deepEqual(await Promise.all(calls), [1, 2, 3]);
});

test('hands slots to waiting calls in arrival order and rejects beyond the queue', async () => {
  const limiter = new ConcurrencyLimiter(2, 1);
  const started: string[] = [];
  const gates = new Map(['a', 'b', 'c'].map((id) => [id, gate()]));
  const run = (id: string) => limiter.run(async () => {
    started.push(id);
    await gates.get(id)?.wait;
    return id;
  });
  const a = run('a');
  const b = run('b');
  const c = run('c');
  assert.deepEqual([limiter.running, limiter.queued], [2, 1]);
  await assert.rejects(run('d'), (error: Error & { status?: number }) => error.status === 429);
  gates.get('b')?.open();
  assert.equal(await b, 'b');
  assert.deepEqual(started, ['a', 'b', 'c']);
  assert.deepEqual([limiter.running, limiter.queued], [2, 0]);
  gates.get('a')?.open();
  gates.get('c')?.open();
  assert.deepEqual(await Promise.all([a, c]), ['a', 'c']);
  assert.equal(limiter.running, 0);
});

test('a queue of 0 rejects as soon as all slots are busy', async () => {
  const limiter = new ConcurrencyLimiter(1, 0);
  const g = gate();
  const first = limiter.run(() => g.wait);
  await assert.rejects(limiter.run(async () => 1), /too many requests/);
  g.open();
  await first;
});
