import { afterEach, describe, expect, test } from 'vitest';
import { StowageError } from '@stowage/core';
import { recordingHandler, settle, world } from './helpers.js';
import type { World } from './helpers.js';

let w: World;
afterEach(async () => {
  await w.closeAll();
});

describe('a remote out of reach (a partition)', () => {
  test('costs one request per backoff step, however long the backlog it meets — and the backlog goes out once it is back', async () => {
    w = world();
    let reachable = false;
    const rec = recordingHandler<number>(() => {
      if (!reachable) throw new StowageError('unavailable', 'no route');
      return { status: 'done' };
    });
    const q = w.queue<number>({ handler: rec.handler, autoFlush: true, batchSize: 50 });
    q.pause(); // the backlog of an offline spell
    for (let i = 0; i < 1000; i++) await q.enqueue(i);
    q.resume(); // back online, but the remote is out of reach
    for (let s = 0; s < 10; s++) await w.clock.advance(1_000);
    // Backoff of 1 s × 1.5ⁿ with jitter: a handful of attempts in 10 s (before: one per batch of a halving size).
    expect(rec.calls.length).toBeLessThanOrEqual(8);
    expect(rec.calls.length).toBeGreaterThan(1); // it did keep trying
    reachable = true;
    await q.resetBackoff();
    await q.flush();
    expect(await q.size()).toBe(0);
    expect(rec.calls.flat().map((e) => e.payload).filter((p, i, all) => all.indexOf(p) === i)).toHaveLength(1000);
  });
});

describe('the wake-up after a partition', () => {
  test('still flushes when its timer fires a little before the clock reads its time', async () => {
    w = world();
    // Real timers may fire a millisecond before Date.now() reaches their time.
    const early = { now: w.clock.now, setTimeout: (fn: () => void, ms: number) => w.clock.setTimeout(fn, ms > 1 ? ms - 1 : ms), clearTimeout: w.clock.clearTimeout };
    let failures = 2;
    const rec = recordingHandler<number>(() => {
      if (failures-- > 0) throw new StowageError('unavailable', 'no route');
      return { status: 'done' };
    });
    const q = w.queue<number>({ handler: rec.handler, autoFlush: true, clock: early });
    await q.enqueue(1);
    await settle();
    for (let s = 0; s < 30; s++) await w.clock.advance(1_000);
    expect(rec.calls).toHaveLength(3);
    expect(await q.size()).toBe(0);
  });
});
