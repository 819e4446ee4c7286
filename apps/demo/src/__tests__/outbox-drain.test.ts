import { describe, expect, it } from 'vitest';
import { createDrainTracker } from '../outbox-drain.js';

describe('createDrainTracker', () => {
  it('counts a drain from the pending samples: waiting, n of m, done once, then idle', () => {
    const next = createDrainTracker();
    expect(next(0, true)).toEqual({ phase: 'idle', done: 0, total: 0 });
    expect(next(3, false)).toEqual({ phase: 'waiting', done: 0, total: 3 });
    expect(next(2, true)).toEqual({ phase: 'pushing', done: 1, total: 3 });
    expect(next(0, true)).toEqual({ phase: 'done', done: 3, total: 3 });
    expect(next(0, true)).toEqual({ phase: 'idle', done: 0, total: 0 });
  });

  it('grows the total, not the delivered count, when writes arrive during a drain', () => {
    const next = createDrainTracker();
    next(2, true);
    expect(next(1, true)).toEqual({ phase: 'pushing', done: 1, total: 2 });
    expect(next(4, true)).toEqual({ phase: 'pushing', done: 1, total: 5 });
    expect(next(0, true)).toEqual({ phase: 'done', done: 5, total: 5 });
  });
});
