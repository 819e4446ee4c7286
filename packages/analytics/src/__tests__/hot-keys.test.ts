import { describe, expect, it } from 'vitest';
import { HotKeyTable } from '../hot-keys.js';
import { lcg } from './helpers.js';

describe('HotKeyTable', () => {
  it('orders by accesses, then by key; keeps reads, writes and the last size', () => {
    const t = new HotKeyTable(10);
    for (let i = 0; i < 3; i++) t.touch('b', false);
    for (let i = 0; i < 5; i++) t.touch('a', i === 0, i === 0 ? 100 : undefined);
    t.touch('c', true, 7);
    t.touch('d', false);
    t.touch('c', true, 9);
    expect(t.top(10).map(([k, e]) => [k, e.count, e.reads, e.writes, e.size])).toEqual([
      ['a', 5, 4, 1, 100],
      ['b', 3, 3, 0, undefined],
      ['c', 2, 0, 2, 9],
      ['d', 1, 1, 0, undefined],
    ]);
  });

  it('finds heavy hitters among many distinct keys in bounded memory, never undercounting', () => {
    const t = new HotKeyTable(20);
    const rnd = lcg(11);
    const truth = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      // 30 % of accesses go to 5 hot keys, the rest to 20,000 cold ones.
      const key = rnd() < 0.3 ? `hot${Math.floor(rnd() * 5)}` : `cold${Math.floor(rnd() * 20_000)}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
      t.touch(key, false);
      expect(t.size).toBeLessThanOrEqual(40);
    }
    const top = t.top(5);
    expect(top.map(([k]) => k).sort()).toEqual(['hot0', 'hot1', 'hot2', 'hot3', 'hot4']);
    for (const [k, e] of t.top(40)) {
      expect(e.count).toBeGreaterThanOrEqual(truth.get(k) as number);
      expect(e.count - e.error).toBeLessThanOrEqual(truth.get(k) as number);
    }
  });

  it('merges two tables (keys mapped), adding counts', () => {
    const a = new HotKeyTable(10);
    const b = new HotKeyTable(10);
    a.touch('X', false);
    a.touch('X', true, 5);
    b.touch('x', false);
    b.touch('y', true, 3);
    const m = a.merged(b, (k) => k.toUpperCase());
    expect(m.top(10).map(([k, e]) => [k, e.count, e.reads, e.writes, e.size])).toEqual([
      ['X', 3, 2, 1, 5],
      ['Y', 1, 0, 1, 3],
    ]);
    // Neither input changed.
    expect(a.top(10)[0]?.[1].count).toBe(2);
  });

  it('round-trips through JSON and refuses malformed JSON', () => {
    const t = new HotKeyTable(5);
    for (let i = 0; i < 30; i++) t.touch(`k${i % 12}`, i % 2 === 0, i);
    expect(t.size).toBeGreaterThan(5);
    const back = HotKeyTable.fromJSON(JSON.parse(JSON.stringify(t.toJSON())), 5);
    // Only the top `capacity` keys are persisted; the floor rises to the best one left out.
    expect(back?.size).toBe(5);
    expect(back?.top(5)).toEqual(t.top(5));
    expect(back?.floor).toBe(Math.max(t.floor, t.top(6)[5]![1].count));
    for (const bad of [null, { floor: -1, entries: [] }, { floor: 0, entries: [['k', 1, 1, 0, 0]] }, { floor: 0, entries: [[1, 1, 1, 0, 0, null]] }]) {
      expect(HotKeyTable.fromJSON(bad, 5)).toBeUndefined();
    }
  });
});
