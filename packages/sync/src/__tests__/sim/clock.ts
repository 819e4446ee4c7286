import type { ManualClock } from '@stowage/core/testing';

/** Lets every queued promise chain run: one macrotask turn comes after all microtasks. */
export async function turns(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The simulator's clock: core's manual clock semantics (time and timers move only when told, due
 * timers fire in time order with the chains they start settled after each), settling with
 * `setImmediate` rather than `setTimeout(0)` — the engines run on the injected clock and
 * microtasks alone, and a millisecond timer per settle would make a run mostly waiting.
 */
export function simClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const t of timers) if (t[1].at <= target && (!next || t[1].at < next[1].at)) next = t;
        if (!next) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
        await turns(3);
      }
      now = target;
      await turns(3);
    },
    timers: () => [...timers.values()].map((t) => t.at).sort((a, b) => a - b),
  };
}

/**
 * Awaits `work` while moving the clock on in `stepMs` steps: work that waits on the clock (a
 * request hung past its timeout, a backoff) settles instead of waiting forever. Gives up after
 * `maxSteps` (the work is then reported, not awaited).
 */
export async function drive<T>(clock: ManualClock, work: Promise<T>, stepMs = 1_000, maxSteps = 600): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => undefined);
  await turns(1);
  for (let i = 0; !settled && i < maxSteps; i++) await clock.advance(stepMs);
  if (!settled) throw new Error(`simulated work still running after ${(stepMs * maxSteps) / 1000} s of simulated time`);
  return done;
}
