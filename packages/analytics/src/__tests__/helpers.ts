import { createStorage, memoryDriver } from '@stowage/core';
import type { Driver, Storage, StorageEvent } from '@stowage/core';
import { fakeClock } from '@stowage/test-utils';
import type { FakeClock } from '@stowage/test-utils';
import { createAnalytics } from '../index.js';
import type { Analytics, AnalyticsOptions } from '../index.js';

export { fakeClock, settle } from '@stowage/test-utils';

/** A deterministic pseudo-random source (LCG) so "random" workloads are the same on every run. */
export function lcg(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A timer the test drives: each call returns the next programmed value (then keeps the last). */
export function scriptedTimer(): (() => number) & { durations(ms: number[]): void } {
  let queue: number[] = [];
  let t = 0;
  const timer = (() => {
    const next = queue.shift();
    if (next !== undefined) t = next;
    return t;
  }) as (() => number) & { durations(ms: number[]): void };
  // Each operation reads the timer twice (start, end): program start/end pairs from durations.
  timer.durations = (ms) => {
    queue = ms.flatMap((d) => {
      const start = t + 1000;
      t = start + d;
      return [start, start + d];
    });
    t = 0;
  };
  return timer;
}

/** A world for one test: a fake clock, one shared memory driver, storages and analytics built on them. */
export function world(): {
  clock: FakeClock;
  driver: Driver;
  storage(prefix?: string): Storage;
  analytics(o?: AnalyticsOptions): Analytics;
  /** Set events of a key on a storage (counts persisted writes without touching the storage). */
  writesOf(storage: Storage, key?: string): StorageEvent[];
} {
  const clock = fakeClock();
  const driver = memoryDriver();
  return {
    clock,
    driver,
    storage: (prefix = 'app') => createStorage({ driver, prefix, clock, broadcast: false }),
    analytics: (o = {}) => createAnalytics({ clock, pagehideTarget: false, ...o }),
    writesOf(storage, key = 'stats') {
      const seen: StorageEvent[] = [];
      storage.subscribe((e) => {
        if (e.type === 'set' && e.key === key) seen.push(e);
      });
      return seen;
    },
  };
}

/** The same storage with some methods replaced (others bound to it, as its #private fields need). */
export function overriding(storage: Storage, overrides: Partial<Record<keyof Storage, unknown>>): Storage {
  return new Proxy(storage, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof Storage];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
