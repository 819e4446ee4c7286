import { isStowageError } from '@stowage/core';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createLruCache } from '../index.js';
import type { EvictionReason } from '../index.js';
import { manualClock } from './helpers.js';

type Evicted = [string, unknown, EvictionReason];

function setup(options: Parameters<typeof createLruCache<string, unknown>>[0] = {}) {
  const clock = manualClock();
  const evicted: Evicted[] = [];
  const cache = createLruCache<string, unknown>({ clock, onEvict: (k, v, r) => evicted.push([k, v, r]), ...options });
  return { cache, clock, evicted };
}

function expectCode(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isStowageError(thrown), `expected a StowageError, got ${String(thrown)}`).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

describe('createLruCache: basics and recency', () => {
  test('get/set/has/peek/delete', () => {
    const { cache } = setup();
    expect(cache.set('a', 1)).toBe(cache);
    cache.set('b', { x: 2 });
    expect(cache.get('a')).toBe(1);
    expect(cache.peek('b')).toEqual({ x: 2 });
    expect(cache.has('b')).toBe(true);
    expect(cache.has('zz')).toBe(false);
    expect(cache.size).toBe(2);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  test('falsy values other than undefined are cached', () => {
    const { cache } = setup();
    for (const [k, v] of [['zero', 0], ['empty', ''], ['no', false], ['nil', null]] as const) cache.set(k, v);
    expect([cache.get('zero'), cache.get('empty'), cache.get('no'), cache.get('nil')]).toEqual([0, '', false, null]);
    expect(cache.stats().hits).toBe(4);
  });

  test('the least recently used entry goes first; get promotes, peek and has do not', () => {
    const { cache, evicted } = setup({ maxEntries: 3 });
    cache.set('a', 1).set('b', 2).set('c', 3);
    cache.get('a'); // order (MRU→LRU): a c b
    cache.peek('b');
    cache.has('b');
    cache.set('d', 4); // evicts b
    expect(evicted).toEqual([['b', 2, 'capacity']]);
    expect(cache.keys()).toEqual(['d', 'a', 'c']);
    cache.set('c', 33); // overwrite promotes without evicting
    cache.set('e', 5); // evicts a
    expect(evicted.map(([k]) => k)).toEqual(['b', 'a']);
    expect(cache.keys()).toEqual(['e', 'c', 'd']);
    expect(cache.get('c')).toBe(33);
  });

  test('overwriting a key is not an eviction', () => {
    const { cache, evicted } = setup({ maxEntries: 2 });
    cache.set('a', 1).set('a', 2).set('a', 3);
    expect(evicted).toEqual([]);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBe(3);
  });

  test('clear() removes everything with reason deleted, which does not count as an eviction', () => {
    const { cache, evicted } = setup();
    cache.set('a', 1).set('b', 2);
    cache.clear();
    expect(evicted.sort()).toEqual([['a', 1, 'deleted'], ['b', 2, 'deleted']]);
    expect(cache.size).toBe(0);
    expect(cache.stats().evictions).toBe(0);
    cache.set('c', 3); // still usable after clear
    expect(cache.keys()).toEqual(['c']);
  });

  test('grows past its initial slots and keeps order (maxEntries Infinity with a byte budget)', () => {
    const cache = createLruCache<number, number>({ maxEntries: Infinity, maxBytes: 1e9, sizeOf: () => 1 });
    for (let i = 0; i < 5000; i++) cache.set(i, i * 2);
    expect(cache.size).toBe(5000);
    expect(cache.get(0)).toBe(0);
    expect(cache.get(4999)).toBe(9998);
    expect(cache.keys().slice(0, 3)).toEqual([4999, 0, 4998]);
    expect(cache.stats().bytes).toBe(5000);
  });
});

describe('createLruCache: byte budget', () => {
  test('evicts least recently used entries until the budget holds', () => {
    const { cache, evicted } = setup({ maxBytes: 10, sizeOf: (v) => String(v).length });
    cache.set('a', 'xxxx').set('b', 'yyyy'); // 8 bytes
    cache.get('a'); // b is now LRU
    cache.set('c', 'zzz'); // 11 > 10 → b goes
    expect(evicted).toEqual([['b', 'yyyy', 'capacity']]);
    expect(cache.stats().bytes).toBe(7);
    cache.set('a', 'xxxxxxxxx'); // grows a to 9: c (LRU) goes, a stays
    expect(evicted.map(([k]) => k)).toEqual(['b', 'c']);
    expect(cache.stats()).toMatchObject({ size: 1, bytes: 9, evictions: 2 });
  });

  test('an entry larger than the budget is refused with too-large and the cache is unchanged', () => {
    const { cache, evicted } = setup({ maxBytes: 5, sizeOf: (v) => String(v).length });
    cache.set('a', 'ok');
    expectCode(() => cache.set('a', 'far too long'), 'too-large');
    expectCode(() => cache.set('b', 'far too long'), 'too-large');
    expect(cache.get('a')).toBe('ok');
    expect(cache.has('b')).toBe(false);
    expect(cache.stats()).toMatchObject({ size: 1, bytes: 2 });
    expect(evicted).toEqual([]);
  });

  test('a bad sizeOf result is invalid-argument, before any change', () => {
    for (const bad of [NaN, -1, Infinity, '3' as unknown as number]) {
      const { cache } = setup({ maxBytes: 100, sizeOf: (v) => (v === 'bad' ? bad : 1) });
      cache.set('a', 'fine');
      expectCode(() => cache.set('a', 'bad'), 'invalid-argument');
      expect(cache.get('a')).toBe('fine');
      expect(cache.stats().bytes).toBe(1);
    }
  });
});

describe('createLruCache: TTL', () => {
  test('default TTL, per-entry override and null = never', () => {
    const { cache, clock, evicted } = setup({ ttl: 1000 });
    cache.set('default', 1);
    cache.set('short', 2, { ttl: 100 });
    cache.set('long', 3, { ttl: 5000 });
    cache.set('forever', 4, { ttl: null });
    clock.advance(100);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('default')).toBe(1);
    clock.advance(900);
    expect(cache.get('default')).toBeUndefined();
    expect(cache.get('long')).toBe(3);
    clock.advance(1e9);
    expect(cache.get('long')).toBeUndefined();
    expect(cache.get('forever')).toBe(4);
    expect(evicted).toEqual([['short', 2, 'expired'], ['default', 1, 'expired'], ['long', 3, 'expired']]);
    expect(cache.stats()).toMatchObject({ size: 1, hits: 3, misses: 3, evictions: 3 });
  });

  test('without a default TTL entries never expire unless set with one', () => {
    const { cache, clock } = setup();
    cache.set('a', 1);
    cache.set('b', 2, { ttl: 10 });
    clock.advance(1e12);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
  });

  test('overwriting resets the expiry; ttl null removes it', () => {
    const { cache, clock } = setup({ ttl: 100 });
    cache.set('a', 1);
    clock.advance(90);
    cache.set('a', 2);
    clock.advance(90);
    expect(cache.get('a')).toBe(2);
    cache.set('a', 3, { ttl: null });
    clock.advance(1e6);
    expect(cache.get('a')).toBe(3);
  });

  test('has, peek and delete see expiry; prune evicts every expired entry', () => {
    const { cache, clock, evicted } = setup({ ttl: 100 });
    cache.set('a', 1).set('b', 2).set('c', 3).set('keep', 4, { ttl: null });
    clock.advance(100);
    expect(cache.has('a')).toBe(false);
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.keys()).toEqual(['keep']); // keys() skips the expired 'c' without evicting it
    expect(cache.size).toBe(2);
    expect(cache.delete('keep')).toBe(true);
    cache.set('d', 5);
    expect(cache.prune()).toBe(1); // c
    expect(cache.prune()).toBe(0);
    expect(evicted).toEqual([['a', 1, 'expired'], ['b', 2, 'expired'], ['keep', 4, 'deleted'], ['c', 3, 'expired']]);
    expect(cache.keys()).toEqual(['d']);
  });

  test('deleting an expired entry reports false with reason expired', () => {
    const { cache, clock, evicted } = setup();
    cache.set('a', 1, { ttl: 5 });
    clock.advance(5);
    expect(cache.delete('a')).toBe(false);
    expect(evicted).toEqual([['a', 1, 'expired']]);
  });
});

describe('createLruCache: the system clock is sampled once per task', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a time change shows after the next microtask checkpoint', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const cache = createLruCache<string, number>({ ttl: 100 });
    cache.set('a', 1);
    vi.setSystemTime(1_000_500);
    expect(cache.get('a')).toBe(1); // same synchronous task: the sampled time
    await Promise.resolve();
    expect(cache.get('a')).toBeUndefined();
  });

  test('a long synchronous task re-reads the clock every 1024 reads', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const cache = createLruCache<string, number>({ ttl: 100 });
    cache.set('a', 1);
    vi.setSystemTime(1_000_500);
    let reads = 0;
    while (cache.get('a') !== undefined) reads++;
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(1024);
  });
});

describe('createLruCache: callbacks', () => {
  test('an onEvict that throws is reported and leaves the cache consistent', () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (e: unknown) => reported.push(e));
    try {
      const boom = new Error('listener bug');
      const cache = createLruCache<string, number>({ maxEntries: 1, onEvict: () => { throw boom; } });
      cache.set('a', 1);
      cache.set('b', 2);
      expect(reported).toEqual([boom]);
      expect(cache.keys()).toEqual(['b']);
      expect(cache.get('b')).toBe(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test('onEvict may use the cache again; the limits still hold', () => {
    const cache = createLruCache<string, number>({
      maxEntries: 2,
      onEvict: (key, value, reason) => {
        if (reason === 'capacity' && !key.startsWith('re-')) cache.set(`re-${key}`, value);
      },
    });
    cache.set('a', 1).set('b', 2).set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.stats().size).toBe(2);
    expect(cache.keys().length).toBe(2);
  });
});

describe('createLruCache: bad input', () => {
  test('bad options are invalid-argument', () => {
    const bad: unknown[] = [
      { maxEntries: 0 }, { maxEntries: -1 }, { maxEntries: 1.5 }, { maxEntries: NaN }, { maxEntries: '10' },
      { maxEntries: Infinity }, { maxBytes: 0 }, { maxBytes: 100 }, { maxBytes: 10, sizeOf: 'length' },
      { ttl: 0 }, { ttl: -5 }, { ttl: Infinity }, { onEvict: 42 }, { clock: undefined, tll: 5 }, 'nope',
    ];
    for (const o of bad) expectCode(() => createLruCache(o as never), 'invalid-argument');
  });

  test('undefined values and bad set options are invalid-argument', () => {
    const { cache } = setup();
    cache.set('a', 1);
    expectCode(() => cache.set('a', undefined), 'invalid-argument');
    expectCode(() => cache.set('a', 2, { ttl: 0 }), 'invalid-argument');
    expectCode(() => cache.set('a', 2, { ttl: NaN }), 'invalid-argument');
    expectCode(() => cache.set('a', 2, { tll: 5 } as never), 'invalid-argument');
    expect(cache.get('a')).toBe(1);
  });
});

describe('createLruCache: agrees with a reference model', () => {
  test('10k random operations with TTLs and a byte budget', () => {
    // Reference: an array ordered MRU→LRU, scanned on every operation (obviously right, O(n)).
    type Entry = { key: string; value: number; size: number; exp: number };
    let model: Entry[] = [];
    const clock = manualClock(0);
    const evicted: Evicted[] = [];
    const sizes = (v: number): number => (v % 7) + 1;
    const cache = createLruCache<string, number>({ maxEntries: 20, maxBytes: 60, sizeOf: sizes, ttl: 50, clock, onEvict: (k, v, r) => evicted.push([k, v, r]) });
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const live = (e: Entry): boolean => e.exp === 0 || e.exp > clock.now();
    const expected: Evicted[] = [];
    const dropExpired = (key: string): void => {
      const e = model.find((x) => x.key === key);
      if (e && !live(e)) {
        model = model.filter((x) => x !== e);
        expected.push([e.key, e.value, 'expired']);
      }
    };
    let checked = 0;
    for (let step = 0; step < 10_000; step++) {
      const key = `k${rand(40)}`;
      const op = rand(10);
      if (op < 5) {
        dropExpired(key);
        const e = model.find((x) => x.key === key);
        if (e) model = [e, ...model.filter((x) => x !== e)];
        expect(cache.get(key), `step ${step} get ${key}`).toBe(e?.value);
      } else if (op < 8) {
        const value = rand(1000);
        const ttl = rand(4) === 0 ? null : rand(3) === 0 ? 10 + rand(100) : undefined;
        const exp = ttl === null ? 0 : clock.now() + (ttl ?? 50);
        model = [{ key, value, size: sizes(value), exp }, ...model.filter((x) => x.key !== key)];
        while (model.length > 20 || model.reduce((s, x) => s + x.size, 0) > 60) {
          const lru = model.pop() as Entry;
          expected.push([lru.key, lru.value, 'capacity']);
        }
        cache.set(key, value, ttl === undefined ? undefined : { ttl });
      } else if (op < 9) {
        const e = model.find((x) => x.key === key);
        model = model.filter((x) => x.key !== key);
        if (e) expected.push([e.key, e.value, live(e) ? 'deleted' : 'expired']);
        expect(cache.delete(key)).toBe(e !== undefined && live(e));
      } else {
        clock.advance(rand(20));
      }
      // Only the new events each step: comparing the whole history every time is quadratic.
      expect(evicted.slice(checked), `step ${step}`).toEqual(expected.slice(checked));
      checked = expected.length;
    }
    expect(evicted.length).toBe(expected.length);
    expect(cache.keys()).toEqual(model.filter(live).map((e) => e.key));
    expect(cache.stats().bytes).toBe(model.reduce((s, x) => s + x.size, 0));
  });
});
