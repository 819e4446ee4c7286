import { manualClock } from '@stowage/core/testing';
import type { ManualClock } from '@stowage/core/testing';

/** One macrotask turn: it comes after every queued microtask. */
const immediateTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets every queued promise chain run, `n` times over. */
export async function turns(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await immediateTurn();
}

/**
 * The simulator's clock: core's manual clock settling with `setImmediate` rather than
 * `setTimeout(0)` — the engines run on the injected clock and microtasks alone, and a millisecond
 * timer per settle would make a run mostly waiting.
 */
export function simClock(): ManualClock {
  return manualClock(undefined, { turn: immediateTurn });
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
