// Stowage's one tiered read-through: createCacheManager (memory → local storage) with a cloud tier
// as its loader — memory → local → cloud, back-filling the faster tiers (the seed's DataManager).
import { describe, expect, it } from 'vitest';
import { createStorage, getRecord } from '@stowage/core';
import { createCacheManager } from '@stowage/cache';
import { memoryCloudTier } from '@stowage/sync/memory-remote';

describe('memory → local → cloud: createCacheManager with the cloud tier as its loader', () => {
  it('a value only the cloud holds is read once, then served by memory, then by local storage', async () => {
    const cloud = memoryCloudTier();
    await cloud.set('profile', { name: '张三' });
    const reads = cloud.remote.calls.get;
    const storage = createStorage({ broadcast: false });
    const cache = createCacheManager({ storage, defaultTtl: 60_000 });
    expect(await cache.get('profile', { loader: cloud.get })).toEqual({ name: '张三' });
    expect(cloud.remote.calls.get).toBe(reads + 1);
    expect((await getRecord(storage, 'cache:profile'))?.value).toMatchObject({ v: { name: '张三' } }); // back-filled locally
    expect(await cache.get('profile', { loader: cloud.get })).toEqual({ name: '张三' });
    expect(cache.getStats().memory.hits).toBe(1); // memory answered
    // Another tab (a manager with an empty memory tier) over the same storage: local answers.
    const other = createCacheManager({ storage, defaultTtl: 60_000 });
    expect(await other.get('profile', { loader: cloud.get })).toEqual({ name: '张三' });
    expect(other.getStats().storage.hits).toBe(1);
    expect(cloud.remote.calls.get).toBe(reads + 1);
    // Nothing anywhere: undefined, and nothing is cached (the next read asks the cloud again).
    expect(await cache.get('nowhere', { loader: cloud.get })).toBeUndefined();
    expect(await cache.get('nowhere', { loader: cloud.get })).toBeUndefined();
    expect(cloud.remote.calls.get).toBe(reads + 3);
  });

  it('refresh reads the cloud and refreshes both tiers; a cloud failure reaches the caller as the loader error', async () => {
    const cloud = memoryCloudTier();
    await cloud.set('k', 1);
    const cache = createCacheManager({ storage: createStorage({ broadcast: false }) });
    expect(await cache.get('k', { loader: cloud.get })).toBe(1);
    await cloud.set('k', 2); // another device
    expect(await cache.get('k', { loader: cloud.get })).toBe(1); // cached
    expect(await cache.get('k', { loader: cloud.get, refresh: true })).toBe(2);
    expect(await cache.get('k')).toBe(2); // both tiers hold the new value
    cloud.remote.faults.failNext(1);
    await expect(cache.get('other', { loader: cloud.get })).rejects.toMatchObject({ code: 'unavailable' });
  });
});
