/** @module A mutual exclusion per key, within one process: work on the same key runs one at a time, in order. */

/** Returns `acquire(key, onWait?)`, which resolves with a release function once earlier holders of `key` released it. */
export function createKeyedLock(): (key: string, onWait?: () => void) => Promise<() => void> {
  const tails = new Map<string, Promise<void>>();
  return async (key, onWait) => {
    const previous = tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // Registered before any await, so a caller arriving at the same moment queues behind this one.
    const tail = (previous ?? Promise.resolve()).then(() => mine);
    tails.set(key, tail);
    if (previous) {
      onWait?.();
      await previous;
    }
    return () => {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    };
  };
}
