import type { Clock } from '@stowage/core';

/** A clock that moves only when the test says so (the cache never needs its timers). */
export function manualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimeout: () => {
      throw new Error('the cache must not schedule timers');
    },
    clearTimeout: () => undefined,
    advance(ms) {
      now += ms;
    },
  };
}

/** Resolves after pending microtasks and one macrotask turn (lets background work settle). */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** A promise whose resolution the test controls. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
