import { createStorage, isStowageError, memoryDriver, StowageError, exportData, importData } from '@stowage/core';
import type { Driver, Storage } from '@stowage/core';
import { describe, expect, test, vi } from 'vitest';
import { createCacheManager } from '../index.js';
import type { CacheManagerOptions } from '../index.js';
import { deferred, manualClock, settle } from './helpers.js';

let seq = 0;

function setup(options: Partial<CacheManagerOptions> = {}, storage?: Storage) {
  const clock = manualClock();
  const errors: StowageError[] = [];
  const store = storage ?? createStorage({ driver: memoryDriver({ name: `mgr-${++seq}` }), prefix: 'app', clock, broadcast: false });
  const cache = createCacheManager({ storage: store, clock, onError: (e) => errors.push(e), ...options });
  return { cache, storage: store, clock, errors };
}

async function rejection(p: Promise<unknown>): Promise<StowageError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(isStowageError(err), `expected a StowageError, got ${String(err)}`).toBe(true);
  return err as StowageError;
}

/** A driver whose reads fail, for the storage-tier failure paths. */
function failingReads(inner: Driver): Driver {
  const d = Object.create(inner) as Driver;
  for (const m of ['open', 'getMany', 'batch', 'entries', 'keys', 'clear', 'close'] as const) {
    (d as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  }
  d.get = () => Promise.reject(Object.assign(new Error('disk on fire'), { name: 'UnknownError' }));
  return d;
}

describe('createCacheManager: read-through', () => {
  test('memory → storage → loader, back-filling the faster tiers', async () => {
    const { cache, storage, clock } = setup();
    const loader = vi.fn(async (key: string) => ({ key, n: 1 }));
    expect(await cache.get('user:1', { loader })).toEqual({ key: 'user:1', n: 1 });
    expect(loader).toHaveBeenCalledTimes(1);
    expect(await cache.get('user:1', { loader })).toEqual({ key: 'user:1', n: 1 });
    expect(loader).toHaveBeenCalledTimes(1);
    expect(await storage.keys()).toEqual(['cache:user:1']);

    // A second manager on the same storage starts with an empty memory tier: storage answers, then memory.
    const other = createCacheManager({ storage, clock });
    expect(await other.get('user:1', { loader })).toEqual({ key: 'user:1', n: 1 });
    expect(await other.get('user:1')).toEqual({ key: 'user:1', n: 1 });
    expect(loader).toHaveBeenCalledTimes(1);
    expect(other.getStats()).toMatchObject({
      gets: 2, hits: 2, misses: 0, hitRate: 1,
      memory: { hits: 1, misses: 1, hitRate: 0.5, size: 1 },
      storage: { hits: 1, misses: 0, hitRate: 1 },
    });
    expect(cache.getStats()).toMatchObject({ gets: 2, hits: 1, misses: 1, hitRate: 0.5, loads: 1, storage: { hits: 0, misses: 1 } });
  });

  test('a miss without a loader is undefined and caches nothing', async () => {
    const { cache, storage } = setup();
    expect(await cache.get('nope')).toBeUndefined();
    expect(await storage.keys()).toEqual([]);
    expect(cache.getStats()).toMatchObject({ gets: 1, misses: 1, hitRate: 0 });
  });

  test('a loader returning undefined caches nothing', async () => {
    const { cache, storage } = setup();
    const loader = vi.fn(() => undefined);
    expect(await cache.get('k', { loader })).toBeUndefined();
    expect(await cache.get('k', { loader })).toBeUndefined();
    expect(loader).toHaveBeenCalledTimes(2);
    expect(await storage.keys()).toEqual([]);
  });

  test('10 concurrent gets of a missing key call the loader once; each caller gets its own copy', async () => {
    const { cache } = setup();
    const d = deferred<{ list: number[] }>();
    const loader = vi.fn(() => d.promise);
    const gets = Array.from({ length: 10 }, () => cache.get('hot', { loader }));
    d.resolve({ list: [1, 2] });
    const values = await Promise.all(gets);
    expect(loader).toHaveBeenCalledTimes(1);
    for (const v of values) expect(v).toEqual({ list: [1, 2] });
    values[0]!.list.push(99); // a caller mutating its result changes nobody else's
    expect(values[1]).toEqual({ list: [1, 2] });
    expect(await cache.get('hot')).toEqual({ list: [1, 2] });
    expect(cache.getStats()).toMatchObject({ loads: 1, dedupedLoads: 9 });
  });

  test('a loader error reaches all 10 callers and caches nothing', async () => {
    const { cache, storage } = setup();
    const boom = new Error('503');
    const loader = vi.fn(async () => {
      throw boom;
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => cache.get('k', { loader })));
    expect(loader).toHaveBeenCalledTimes(1);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as StowageError;
      expect(err.code).toBe('unavailable');
      expect(err.cause).toBe(boom);
    }
    expect(await storage.keys()).toEqual([]);
    expect(cache.getStats()).toMatchObject({ loads: 1, loadErrors: 1, memory: { size: 0 } });
    loader.mockResolvedValueOnce('ok' as never);
    expect(await cache.get('k', { loader })).toBe('ok'); // the failure was not remembered
  });

  test('values are JSON-normalized, so both tiers return the same thing', async () => {
    const { cache, storage, clock } = setup();
    const at = new Date(0);
    expect(await cache.get('d', { loader: () => ({ at }) })).toEqual({ at: at.toISOString() });
    const fresh = createCacheManager({ storage, clock });
    expect(await fresh.get('d')).toEqual({ at: at.toISOString() });
  });

  test('what is cached is a snapshot: mutating the object given to set() or returned by a loader changes nothing', async () => {
    const { cache } = setup();
    const given = { n: 1 };
    await cache.set('s', given);
    given.n = 2;
    const loaded = { n: 1 };
    await cache.get('l', { loader: () => loaded });
    loaded.n = 2;
    expect(await cache.get('s')).toEqual({ n: 1 });
    expect(await cache.get('l')).toEqual({ n: 1 });
  });

  test('clone: false hands out the cached object itself', async () => {
    const { cache } = setup({ clone: false });
    await cache.set('k', { a: 1 });
    expect(await cache.get('k')).toBe(await cache.get('k'));
  });
});

describe('createCacheManager: TTL, refresh and stale-while-revalidate', () => {
  test('defaultTtl, per-call ttl and ttl null', async () => {
    const { cache, clock } = setup({ defaultTtl: 1000 });
    let n = 0;
    const loader = (): number => ++n;
    expect(await cache.get('a', { loader })).toBe(1);
    expect(await cache.get('b', { loader, ttl: 5000 })).toBe(2);
    expect(await cache.get('c', { loader, ttl: null })).toBe(3);
    clock.advance(1000);
    expect(await cache.get('a', { loader })).toBe(4);
    expect(await cache.get('b', { loader })).toBe(2);
    clock.advance(1e9);
    expect(await cache.get('b', { loader })).toBe(5);
    expect(await cache.get('c', { loader })).toBe(3);
  });

  test('an expired entry without a loader is a miss in both tiers', async () => {
    const { cache, storage, clock } = setup();
    await cache.set('a', 1, { ttl: 10 });
    clock.advance(10);
    expect(await cache.get('a')).toBeUndefined();
    expect(await storage.keys()).toEqual([]); // the storage record expired with it
  });

  test('refresh: true calls the loader even when fresh', async () => {
    const { cache } = setup();
    let n = 0;
    const loader = (): number => ++n;
    expect(await cache.get('a', { loader })).toBe(1);
    expect(await cache.get('a', { loader, refresh: true })).toBe(2);
    expect(await cache.get('a')).toBe(2);
    expect((await rejection(cache.get('a', { refresh: true }))).code).toBe('invalid-argument');
  });

  test('stale-while-revalidate returns the stale value at once and refreshes once in the background', async () => {
    const { cache, clock, storage } = setup({ defaultTtl: 100 });
    expect(await cache.get('a', { loader: () => 'v1', staleWhileRevalidate: 1000 })).toBe('v1');
    clock.advance(500); // stale, inside the window
    const next = deferred<string>();
    const loader = vi.fn(() => next.promise);
    expect(await cache.get('a', { loader, staleWhileRevalidate: 1000 })).toBe('v1');
    expect(await cache.get('a', { loader, staleWhileRevalidate: 1000 })).toBe('v1');
    expect(loader).toHaveBeenCalledTimes(1);
    next.resolve('v2');
    await settle();
    expect(await cache.get('a', { loader })).toBe('v2');
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.getStats().staleHits).toBe(2);
    // A fresh manager (empty memory) serves the stale value from storage the same way.
    clock.advance(200);
    const other = createCacheManager({ storage, clock, defaultTtl: 100 });
    const loader2 = vi.fn(() => 'v3');
    expect(await other.get('a', { loader: loader2, staleWhileRevalidate: true })).toBe('v2');
    await settle();
    expect(loader2).toHaveBeenCalledTimes(1);
    expect(await other.get('a')).toBe('v3');
  });

  test('past the window, or without staleWhileRevalidate, a stale value waits for the loader', async () => {
    const { cache, clock } = setup({ defaultTtl: 100 });
    await cache.get('a', { loader: () => 'v1', staleWhileRevalidate: 1000 });
    clock.advance(150);
    expect(await cache.get('a', { loader: () => 'v2' })).toBe('v2');
    clock.advance(1200);
    expect(await cache.get('a', { loader: () => 'v3', staleWhileRevalidate: 1000 })).toBe('v3');
  });

  test('a failed background refresh is reported and the stale value stays', async () => {
    const { cache, clock, errors } = setup({ defaultTtl: 100 });
    await cache.get('a', { loader: () => 'v1', staleWhileRevalidate: true });
    clock.advance(200);
    expect(await cache.get('a', { loader: () => Promise.reject(new Error('offline')), staleWhileRevalidate: true })).toBe('v1');
    await settle();
    expect(errors.map((e) => e.code)).toEqual(['unavailable']);
    expect(await cache.get('a', { loader: () => 'v2', staleWhileRevalidate: true })).toBe('v1');
  });
});

describe('createCacheManager: writes act on both tiers and only on cache keys', () => {
  test('set, delete and clear leave the app keys of a shared storage alone', async () => {
    const { cache, storage } = setup();
    await storage.set('settings', { theme: 'dark' });
    await storage.set('cache-like', 1); // similar name, not in the namespace
    await cache.set('a', 1);
    await cache.set('b', 2);
    expect(await storage.get('cache:a')).toMatchObject({ v: 1 });
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
    expect(await storage.has('cache:a')).toBe(false);
    await cache.clear();
    expect(await cache.get('b')).toBeUndefined();
    expect(await storage.keys()).toEqual(['cache-like', 'settings']);
    expect(cache.getStats().memory.size).toBe(0);
  });

  test('a custom namespace', async () => {
    const { cache, storage } = setup({ namespace: 'http' });
    await cache.set('GET /a', 'x');
    expect(await storage.keys()).toEqual(['http:GET /a']);
    expect(cache.namespace).toBe('http');
  });

  test('a set while a load is in flight wins in both tiers; the load still answers its callers', async () => {
    const { cache, storage, clock } = setup();
    const d = deferred<string>();
    const pending = cache.get('k', { loader: () => d.promise });
    await settle();
    await cache.set('k', 'explicit');
    d.resolve('loaded');
    expect(await pending).toBe('loaded');
    expect(await cache.get('k')).toBe('explicit');
    expect(await createCacheManager({ storage, clock }).get('k')).toBe('explicit');
  });

  test('a delete while a load is in flight leaves nothing cached', async () => {
    const { cache, storage } = setup();
    const d = deferred<string>();
    const pending = cache.get('k', { loader: () => d.promise });
    await settle();
    await cache.delete('k');
    d.resolve('loaded');
    expect(await pending).toBe('loaded');
    expect(await storage.keys()).toEqual([]);
    expect(await cache.get('k')).toBeUndefined();
  });

  test('a delete issued while a set is being written wins in memory too', async () => {
    const { cache, storage } = setup();
    const set = cache.set('k', 'v');
    const del = cache.delete('k');
    await Promise.all([set, del]);
    expect(await storage.keys()).toEqual([]);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.getStats().memory.size).toBe(0);
  });

  test('a storage read that races a delete does not back-fill memory', async () => {
    const { cache, storage, clock } = setup();
    await cache.set('k', 'v');
    const other = createCacheManager({ storage, clock }); // empty memory: its get reads storage
    const read = other.get('k');
    await other.delete('k');
    await read;
    expect(await other.get('k')).toBeUndefined();
    expect(other.getStats().memory.size).toBe(0);
  });

  test('a write to the storage by other code evicts the memory copy', async () => {
    const { cache, storage, errors } = setup();
    await cache.set('k', 'v1');
    await storage.set('cache:k', 'not an entry');
    expect(await cache.get('k')).toBeUndefined(); // memory dropped; storage holds a foreign value
    expect(errors.map((e) => e.code)).toEqual(['decode-failed']);
  });
});

describe('createCacheManager: another tab invalidates the memory copy', () => {
  test('remote set, remove, clear and import', async () => {
    const clock = manualClock();
    const driver = memoryDriver({ name: `tabs-${++seq}` });
    // Two storages on one store talk over BroadcastChannel, exactly like two tabs.
    const tabA = createStorage({ driver, prefix: 'app', clock });
    const tabB = createStorage({ driver, prefix: 'app', clock });
    const a = createCacheManager({ storage: tabA, clock });
    const b = createCacheManager({ storage: tabB, clock });
    const remote = (type: string): Promise<void> =>
      new Promise((resolve) => {
        const off = tabA.subscribe((e) => {
          if (e.type === type && 'source' in e && e.source === 'remote') {
            off();
            resolve();
          }
        });
      });

    await a.set('user', 'old');
    expect(await a.get('user')).toBe('old');
    let seen = remote('set');
    await b.set('user', 'new');
    await seen;
    expect(await a.get('user')).toBe('new');
    expect(a.getStats().memory.size).toBe(1);

    seen = remote('remove');
    await b.delete('user');
    await seen;
    expect(await a.get('user')).toBeUndefined();

    await a.set('x', 1);
    seen = remote('clear');
    await tabB.clear();
    await seen;
    expect(a.getStats().memory.size).toBe(0);
    expect(await a.get('x')).toBeUndefined();

    await a.set('y', 1);
    const backup = await exportData(tabB);
    seen = remote('import');
    await importData(tabB, { ...backup, entries: [{ key: 'cache:y', value: { v: 2, t: null, k: null }, createdAt: 0, updatedAt: 0, schema: 1 }] });
    await seen;
    expect(await a.get('y')).toBe(2);
    await tabA.close();
    await tabB.close();
  });
});

describe('createCacheManager: warmup', () => {
  test('reports per key where the value came from, or why it failed', async () => {
    const { cache } = setup();
    await cache.set('cached', 'c');
    const loader = vi.fn(async (key: string) => {
      if (key === 'bad') throw new Error('nope');
      return key === 'empty' ? undefined : key.toUpperCase();
    });
    const results = await cache.warmup(['cached', 'a', 'b', 'bad', 'empty', ''], loader, { concurrency: 2 });
    expect(results.map((r) => (r.ok ? [r.key, r.source] : [r.key, r.error.code]))).toEqual([
      ['cached', 'memory'], ['a', 'loader'], ['b', 'loader'], ['bad', 'unavailable'], ['empty', 'none'], ['', 'invalid-argument'],
    ]);
    expect(loader).toHaveBeenCalledTimes(4);
    expect(await cache.get('a')).toBe('A');
  });

  test('bad arguments reject', async () => {
    const { cache } = setup();
    expect((await rejection(cache.warmup('a' as never, () => 1))).code).toBe('invalid-argument');
    expect((await rejection(cache.warmup(['a'], 'f' as never))).code).toBe('invalid-argument');
    expect((await rejection(cache.warmup(['a'], () => 1, { concurrency: 0 }))).code).toBe('invalid-argument');
  });
});

describe('createCacheManager: failures of the storage tier', () => {
  test('a failed cache write still returns the loaded value, keeps it in memory and reports it', async () => {
    const clock = manualClock();
    const storage = createStorage({ driver: memoryDriver({ name: `full-${++seq}` }), prefix: 'app', clock, broadcast: false, limits: { maxTotalBytes: 200 } });
    const { cache, errors } = setup({}, storage);
    const big = 'x'.repeat(500);
    expect(await cache.get('big', { loader: () => big })).toBe(big);
    expect(errors.map((e) => e.code)).toEqual(['quota-exceeded']);
    expect(await storage.keys()).toEqual([]);
    expect(await cache.get('big')).toBe(big);
    expect((await rejection(cache.set('big2', big))).code).toBe('quota-exceeded');
    expect(await cache.get('big2')).toBeUndefined();
  });

  test('a failed storage read falls back to the loader when there is one, else rejects', async () => {
    const clock = manualClock();
    const storage = createStorage({ driver: failingReads(memoryDriver({ name: `fail-${++seq}` })), prefix: 'app', clock, broadcast: false, fallbackToMemory: false });
    const { cache, errors } = setup({}, storage);
    expect(await cache.get('k', { loader: () => 'loaded' })).toBe('loaded');
    expect(errors.map((e) => e.code)).toEqual(['unavailable']);
    expect(await cache.get('k')).toBe('loaded'); // memory
    expect((await rejection(cache.get('other'))).code).toBe('unavailable');
  });

  test('a value too large for the memory budget lives in storage only', async () => {
    const { cache, storage } = setup({ memory: { maxBytes: 10, sizeOf: (v) => JSON.stringify(v).length } });
    await cache.set('big', 'x'.repeat(50));
    await cache.set('small', 'y');
    expect(cache.getStats().memory.size).toBe(1);
    expect(await cache.get('big')).toBe('x'.repeat(50));
    expect(await storage.has('cache:big')).toBe(true);
    expect(cache.getStats().storage.hits).toBe(1);
  });
});

describe('createCacheManager: bad input and lifecycle', () => {
  test('bad options are invalid-argument', () => {
    const storage = createStorage({ broadcast: false });
    const bad: unknown[] = [
      undefined, {}, { storage: {} }, { storage, namespace: '' }, { storage, defaultTtl: 0 }, { storage, memory: { maxEntries: 0 } },
      { storage, memory: { size: 1 } }, { storage, onError: 'log' }, { storage, clone: 'yes' }, { storage, ttl: 5 },
    ];
    for (const o of bad) {
      let err: unknown;
      try {
        createCacheManager(o as never);
      } catch (e) {
        err = e;
      }
      expect(isStowageError(err, 'invalid-argument'), JSON.stringify(o)).toBe(true);
    }
  });

  test('bad calls reject with invalid-argument and change nothing', async () => {
    const { cache, storage } = setup();
    const calls: Promise<unknown>[] = [
      cache.get(''), cache.get(42 as never), cache.get('k', { loader: 'x' as never }), cache.get('k', { ttl: -1 }),
      cache.get('k', { staleWhileRevalidate: 'long' as never }), cache.get('k', { refresh: 'yes' as never, loader: () => 1 }),
      cache.get('k', { lodaer: () => 1 } as never), cache.set('k', undefined), cache.set('k', () => 1), cache.set('k', 1, { ttl: 0 }),
      cache.get('k', { loader: () => ({ f: () => 1 }) }), cache.delete(''),
    ];
    for (const p of calls) expect((await rejection(p)).code).toBe('invalid-argument');
    expect(await storage.keys()).toEqual([]);
  });

  test('close stops the manager, not the storage', async () => {
    const { cache, storage } = setup();
    await cache.set('k', 1);
    await cache.close();
    expect((await rejection(cache.get('k'))).code).toBe('closed');
    expect((await rejection(cache.set('k', 2))).code).toBe('closed');
    expect(await storage.get('cache:k')).toMatchObject({ v: 1 });
  });
});
