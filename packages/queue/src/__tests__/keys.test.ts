import { RESERVED, compareKeys } from '@stowage/core';
import { describe, expect, test } from 'vitest';
import { SeqGenerator, queueKeys } from '../keys.js';
import { fakeClock } from './helpers.js';

describe('queue keys and ids', () => {
  test('entries and dead letters live in the reserved key space, one prefix per queue name', () => {
    const k = queueKeys('sync');
    expect(k.pending.startsWith(RESERVED)).toBe(true);
    expect(k.pending).toBe('\u0000q/sync/e/');
    expect(k.dead).toBe('\u0000q/sync/dead/');
    expect(queueKeys('sync2').pending.startsWith(k.pending)).toBe(false);
  });

  test('ids strictly increase while the clock stands still, moves on, or goes back', () => {
    const clock = fakeClock();
    let t = clock.now();
    const gen = new SeqGenerator({ ...clock, now: () => t });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(gen.next());
    t += 10;
    ids.push(gen.next());
    t -= 5_000; // the system clock was set back
    ids.push(gen.next(), gen.next());
    t += 100_000;
    ids.push(gen.next());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort(compareKeys)).toEqual(ids);
  });

  test('observe() puts new ids after ids found in the store, even from a clock that is behind', () => {
    let t = 5_000_000;
    const first = new SeqGenerator({ ...fakeClock(), now: () => t });
    const old = [first.next(), first.next()];
    t = 1_000; // a reload whose clock is far behind the previous session
    const second = new SeqGenerator({ ...fakeClock(), now: () => t });
    for (const id of old) second.observe(id);
    second.observe('not-an-id'); // foreign keys are ignored
    const next = second.next();
    expect(compareKeys(next, old[1]!)).toBeGreaterThan(0);
  });

  test('two generators (two tabs) produce distinct ids that sort by time first', () => {
    let t = 1_000_000;
    const clock = { ...fakeClock(), now: () => t };
    const a = new SeqGenerator(clock);
    const b = new SeqGenerator(clock);
    const a1 = a.next();
    const b1 = b.next();
    expect(a1).not.toBe(b1);
    t += 1;
    const a2 = a.next();
    expect(compareKeys(a2, b1)).toBeGreaterThan(0);
  });

  test('ids are fixed-width, so string order equals numeric time order across digit boundaries', () => {
    let t = 35; // '0000000z' → '00000010' in base 36
    const gen = new SeqGenerator({ ...fakeClock(), now: () => t });
    const x = gen.next();
    t = 36;
    const y = gen.next();
    expect(x.length).toBe(y.length);
    expect(compareKeys(x, y)).toBeLessThan(0);
  });
});
