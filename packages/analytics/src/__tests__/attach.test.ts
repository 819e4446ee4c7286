import { createStorage, memoryDriver, StowageError } from '@stowage/core';
import { createCacheManager, createLruCache, withMemoryCache } from '@stowage/cache';
import { createSync } from '@stowage/sync';
import { memoryRemote } from '@stowage/sync/memory-remote';
import { memoryBus } from '@stowage/test-utils';
import { describe, expect, it } from 'vitest';
import { instrument } from '../index.js';
import type { SyncEventSource } from '../index.js';
import { settle, world } from './helpers.js';

describe('attachCache', () => {
  it('polls a cache manager on the poll interval and counts per-tier hits, misses and loads', async () => {
    const w = world();
    const a = w.analytics({ pollInterval: 1000 });
    const cache = createCacheManager({ storage: w.storage(), clock: w.clock });
    await cache.get('a', { loader: () => 1 }); // miss, miss, load
    await cache.get('a'); // memory hit
    a.attachCache(cache, { name: 'api' });
    await cache.get('a'); // memory hit
    await cache.get('b', { loader: () => 2 });
    expect(a.getStats().caches.api).toMatchObject({ loads: 1, tiers: { memory: { hits: 1, misses: 1 }, storage: { hits: 0, misses: 1 } } });
    await cache.get('b');
    await w.clock.advance(1000);
    const api = a.getStats().caches.api!;
    expect(api.tiers.memory).toEqual({ hits: 2, misses: 1, hitRate: 2 / 3 });
    await a.close();
  });

  it('a withMemoryCache storage and a bare LRU are read through memoryStats() and stats()', async () => {
    const w = world();
    const a = w.analytics();
    const mem = withMemoryCache(w.storage(), { clock: w.clock });
    const lru = createLruCache<string, number>({ maxEntries: 1 });
    a.attachCache(mem, { name: 'mem' });
    a.attachCache(lru, { name: 'lru' });
    await mem.set('x', 1);
    await mem.get('x');
    await mem.get('x');
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    const st = a.getStats().caches;
    expect(st.mem?.tiers.memory).toMatchObject({ hits: 1, misses: 1 });
    expect(st.lru).toMatchObject({ evictions: 1, tiers: { memory: { hits: 0, misses: 1 } } });
  });

  it('a counter going down (a recreated cache) counts as new activity, and detach reads one last time', async () => {
    const w = world();
    const a = w.analytics();
    let stats = { hits: 10, misses: 5 };
    const detach = a.attachCache({ stats: () => stats });
    stats = { hits: 12, misses: 5 };
    a.getStats();
    stats = { hits: 3, misses: 1 };
    expect(a.getStats().caches.cache?.tiers.memory).toMatchObject({ hits: 5, misses: 1 });
    stats = { hits: 4, misses: 1 };
    detach();
    stats = { hits: 100, misses: 100 };
    await w.clock.advance(5000);
    expect(a.getStats().caches.cache?.tiers.memory).toMatchObject({ hits: 6, misses: 1 });
  });

  it('a cache whose stats throw is reported, not thrown into getStats()', () => {
    const w = world();
    const errors: StowageError[] = [];
    const a = w.analytics({ onError: (e) => errors.push(e) });
    let fail = false;
    a.attachCache({ stats: () => {
      if (fail) throw new Error('broken');
      return { hits: 0, misses: 0 };
    } });
    fail = true;
    expect(a.getStats().reads).toBe(0);
    expect(errors[0]).toBeInstanceOf(StowageError);
  });
});

/** A sync engine stand-in: anything with subscribe(). */
function fakeSync(): SyncEventSource & { emit(e: unknown): void; listeners: number } {
  const ls = new Set<(e: { readonly type: string }) => void>();
  return {
    subscribe(l) {
      ls.add(l);
      return () => ls.delete(l);
    },
    emit: (e) => ls.forEach((l) => l(e as { type: string })),
    get listeners() {
      return ls.size;
    },
  };
}

describe('attachSync', () => {
  it('counts pushes, pulls, conflicts and errors by code; durations feed sync latencies', () => {
    const a = world().analytics();
    const sync = fakeSync();
    const detach = a.attachSync(sync);
    sync.emit({ type: 'pushed', keys: ['secret-a', 'secret-b'], durationMs: 40 });
    sync.emit({ type: 'pushed', count: 5, durationMs: 60 });
    sync.emit({ type: 'pulled', keys: ['x'] });
    sync.emit({ type: 'conflict', key: 'secret-a' });
    sync.emit({ type: 'error', error: new StowageError('permission-denied', 'no') });
    sync.emit({ type: 'error', error: new TypeError('fetch failed') });
    sync.emit({ type: 'progress', progress: {} });
    sync.emit({ type: 'progress', progress: {} });
    sync.emit(null);
    sync.emit({ type: 42 });
    const st = a.getStats();
    expect(st.sync).toEqual({ pushes: 2, pushedChanges: 7, pulls: 1, pulledDocs: 1, conflicts: 1, errors: 2, other: { progress: 2, '(invalid)': 2 } });
    expect(st.errors).toEqual({ 'permission-denied': 1, internal: 1 });
    expect(st.operations['sync:push']).toMatchObject({ count: 2, minMs: 40, maxMs: 60 });
    expect(JSON.stringify(a.generateReport())).not.toContain('secret');
    detach();
    expect(sync.listeners).toBe(0);
  });

  it('counts the real sync engine\'s pushes and pulls', async () => {
    const w = world();
    const a = w.analytics();
    const remote = memoryRemote({ clock: w.clock });
    const device = (): { storage: ReturnType<typeof createStorage>; sync: ReturnType<typeof createSync> } => {
      const storage = createStorage({ driver: memoryDriver(), prefix: 'app', clock: w.clock, broadcast: false });
      return { storage, sync: createSync({ storage, remote, clock: w.clock, pullInterval: 0, broadcast: memoryBus() }) };
    };
    const one = device();
    const two = device();
    await Promise.all([one.sync.ready(), two.sync.ready()]);
    a.attachSync(one.sync);
    a.attachSync(two.sync);
    const seen: string[] = [];
    one.sync.subscribe((e) => seen.push(e.type));
    await one.storage.set('a', 1);
    await one.storage.set('b', 2);
    await one.sync.flush();
    expect(await two.sync.pull()).toBe(2);
    const st = a.getStats().sync;
    // The engine may push each write on its own: count what it announced.
    expect(st).toMatchObject({ pushes: seen.filter((t) => t === 'pushed').length, pushedChanges: 2, pulls: 1, pulledDocs: 2, errors: 0 });
    expect(st.pushes).toBeGreaterThan(0);
    await one.sync.close();
    await two.sync.close();
  });
});

describe('attachStorage', () => {
  it('counts writes and deletes of other tabs, expiry and fallbacks', async () => {
    const w = world();
    const bus = memoryBus();
    const a = w.analytics();
    const mine = createStorage({ driver: w.driver, prefix: 'app', clock: w.clock, broadcast: bus });
    const other = createStorage({ driver: w.driver, prefix: 'app', clock: w.clock, broadcast: bus });
    const s = instrument(mine, a);
    await s.set('local', 1);
    await other.set('x', 'from the other tab');
    await other.remove('x');
    await s.set('ttl', 1, { ttl: 10 });
    await settle();
    await w.clock.advance(20);
    expect(await s.get('ttl')).toBeUndefined();
    await settle();
    const st = a.getStats();
    expect(st).toMatchObject({ writes: 2, remoteWrites: 1, remoteDeletes: 1, expirations: 1 });

    const broken = createStorage({
      driver: { ...memoryDriver(), name: 'broken', open: () => Promise.reject(new DOMException('blocked', 'SecurityError')) } as never,
      prefix: 'fb', clock: w.clock, broadcast: false,
    });
    a.attachStorage(broken);
    await broken.set('k', 1);
    expect(a.getStats().fallbacks).toBe(1);
  });

  it('samples the total size of attached storages over time, bounded', async () => {
    const w = world();
    const a = w.analytics({ growthInterval: 1000, growthSamples: 3 });
    const s = instrument(w.storage(), a);
    await settle();
    for (let i = 0; i < 5; i++) {
      await s.set(`k${i}`, 'x'.repeat(2048));
      await w.clock.advance(1000);
    }
    const g = a.getGrowth();
    expect(g).toHaveLength(3);
    expect(g.map((x) => x.at)).toEqual([2, 3, 4].map((i) => 1_700_000_000_000 + i * 1000 + 1000));
    expect(g[2]!.sizeKb).toBeGreaterThan(g[0]!.sizeKb);
    expect(a.generateReport().growth.kbPerHour).toBeGreaterThan(0);
  });
});
