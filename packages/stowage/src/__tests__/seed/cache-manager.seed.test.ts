// Seed 001, "多级缓存实现": the seed's CacheManager unchanged over its StorageManager over Stowage's
// mini API; then the same calls on Stowage's createCacheManager through the one-line mapping.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStorage, memoryDriver } from '@stowage/core';
import type { Driver } from '@stowage/core';
import { createCacheManager } from '@stowage/cache';
import cacheManagerJs from './fixtures/cacheManager.js?raw';
import storageJs from './fixtures/storage.js?raw';
import { seedWorld, settle } from './seed-runtime.js';

interface SeedCacheManager {
  get(key: string, options?: { ttl?: number; fallback?: () => unknown; refresh?: boolean }): Promise<unknown>;
  set(key: string, data: unknown, options?: { ttl?: number }): Promise<void>;
  delete(key: string): void;
  clear(): void;
  warmup(keys: string[], loader: (key: string) => unknown): Promise<{ key: string; success: boolean }[]>;
  getStats(): { memorySize: number; storageSize: number; memoryLimit: number; memoryUsage: string };
  memoryCache: Map<string, unknown>;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.UTC(2026, 11, 6, 8));
});
afterEach(() => {
  vi.useRealTimers();
});

async function open(driver: Driver) {
  const world = seedWorld({ driver });
  await world.mini.ready();
  world.run('storage.js', storageJs);
  return { world, cache: world.run('cacheManager.js', cacheManagerJs) as SeedCacheManager };
}

describe('seed 001: CacheManager, unchanged over createMiniStorage', () => {
  it('fallback on a miss, then memory; after a reload the local tier answers; past the TTL (seconds) the fallback runs again', async () => {
    const driver = memoryDriver();
    const loads: string[] = [];
    const fallback = async () => (loads.push('posts'), [{ id: 1, title: '你好' }]);
    const first = await open(driver);
    expect(await first.cache.get('posts', { fallback })).toEqual([{ id: 1, title: '你好' }]);
    expect(await first.cache.get('posts', { fallback })).toEqual([{ id: 1, title: '你好' }]);
    expect(loads).toEqual(['posts']);
    await settle(first.world.mini);

    const reloaded = await open(driver);
    expect(reloaded.cache.memoryCache.size).toBe(0);
    expect(await reloaded.cache.get('posts', { fallback })).toEqual([{ id: 1, title: '你好' }]);
    expect(loads).toEqual(['posts']);
    expect(reloaded.cache.memoryCache.size).toBe(1);
    vi.setSystemTime(Date.now() + 301_000); // defaultTTL is 300 s
    expect(await reloaded.cache.get('posts', { fallback })).toEqual([{ id: 1, title: '你好' }]);
    expect(loads).toEqual(['posts', 'posts']);
  });

  it('LRU past 50 entries, warmup with a failing key, stats', async () => {
    const { world, cache } = await open(memoryDriver());
    for (let i = 0; i < 50; i++) {
      await cache.set(`k${i}`, i);
      vi.setSystemTime(Date.now() + 1);
    }
    await cache.get('k0'); // k0 is now the most recent; k1 the least
    await cache.set('k50', 50);
    expect(world.logs()).toContain('LRU淘汰缓存 k1');
    const results = await cache.warmup(['a', 'bad'], async (key) => {
      if (key === 'bad') throw new Error('offline');
      return key.toUpperCase();
    });
    expect(results.map((r) => [r.key, r.success])).toEqual([['a', true], ['bad', false]]);
    expect(cache.getStats()).toEqual({ memorySize: 50, storageSize: 52, memoryLimit: 50, memoryUsage: '100.00%' });
    await settle(world.mini);
  });

  it("the seed's own bug, kept: clear() removes `key` instead of `cache_key`, so its local entries stay", async () => {
    const { world, cache } = await open(memoryDriver());
    await cache.set('posts', [1]);
    cache.clear();
    await settle(world.mini);
    expect(world.wx.getStorageInfoSync().keys).toEqual(['mp_cache_posts']);
  });
});

describe("seed 001's CacheManager calls on Stowage's createCacheManager (the one-line mapping)", () => {
  it('ttl in seconds there, milliseconds here; fallback → loader; null for a miss; clear() removes exactly the cache entries', async () => {
    const storage = createStorage({ broadcast: false });
    await storage.set('unrelated', 1);
    const stowageCache = createCacheManager({ storage, memory: { maxEntries: 50 }, defaultTtl: 300 * 1000 });
    const cacheManager = {
      get: (key: string, o: { ttl?: number; fallback?: () => unknown; refresh?: boolean } = {}) =>
        stowageCache.get(key, { ttl: (o.ttl ?? 300) * 1000, refresh: o.refresh ?? false, ...(o.fallback ? { loader: o.fallback } : {}) }).then((v) => v ?? null),
      set: (key: string, data: unknown, o: { ttl?: number } = {}) => stowageCache.set(key, data, { ttl: (o.ttl ?? 300) * 1000 }),
      delete: (key: string) => stowageCache.delete(key),
      clear: () => stowageCache.clear(),
      warmup: (keys: string[], loader: (key: string) => unknown) => stowageCache.warmup(keys, loader),
      getStats: () => stowageCache.getStats(),
    };
    let loads = 0;
    const fallback = async () => (++loads, { n: loads });
    expect(await cacheManager.get('x', { fallback, ttl: 60 })).toEqual({ n: 1 });
    expect(await cacheManager.get('x', { fallback, ttl: 60 })).toEqual({ n: 1 });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await cacheManager.get('x', { fallback, ttl: 60 })).toEqual({ n: 2 });
    expect(await cacheManager.get('missing')).toBeNull();
    expect((await cacheManager.warmup(['a'], async (k) => k)).map((r) => r.ok)).toEqual([true]);
    expect(cacheManager.getStats()).toMatchObject({ loads: 3, memory: { size: 2 } });
    await cacheManager.clear();
    expect(await storage.keys()).toEqual(['unrelated']);
    await stowageCache.close();
  });
});
