// Seed 001, "数据分层存储": the seed's DataManager (memory → local → cloud) with its three cloud lines
// ported to a cloud tier — in memory, and Firestore over the emulator — the rest unchanged; then the
// same calls on Stowage's one tiered read-through, createCacheManager (memory → local) with the
// cloud tier as its loader, through the one-line mapping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, getRecord } from '@stowage/core';
import { createCacheManager } from '@stowage/cache';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { createFirestoreCloudTier } from '@stowage/firestore';
import type { RemoteCloudTier } from '@stowage/sync';
import { memoryCloudTier } from '@stowage/sync/memory-remote';
import { uniqueCollection } from '@stowage/test-utils';
import dataManagerJs from './fixtures/dataManager.ported.js?raw';
import storageJs from './fixtures/storage.js?raw';
import { seedWorld, settle } from './seed-runtime.js';

/** The seed DataManager's surface. */
interface SeedDataManager {
  getData(key: string, options?: Record<string, unknown>): Promise<unknown>;
  setData(key: string, data: unknown, options?: Record<string, unknown>): Promise<void>;
  clearCache(key?: string): void;
  preloadData(keys: string[]): Promise<unknown[]>;
  storage: { get(key: string): unknown };
}

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

type Tier = RemoteCloudTier & { close?(): Promise<void> };
let apps = 0;
const tiers: { name: string; make(): Tier; failNext(tier: Tier, n: number): void }[] = [
  { name: 'memoryCloudTier', make: () => memoryCloudTier(), failNext: (t, n) => (t as ReturnType<typeof memoryCloudTier>).remote.faults.failNext(n) },
  {
    name: 'createFirestoreCloudTier (emulator)',
    make: () => createFirestoreCloudTier({
      firebaseOptions: { projectId: 'demo-stowage' }, appName: `seed-dm-${apps++}`,
      emulator: { host: emulator.host, port: emulator.port }, collectionPath: uniqueCollection('app_data'),
    }),
    failNext: (_t, n) => emulator.faults.failNext({ count: n, status: 503 }),
  },
];

for (const tier of tiers) {
  describe(`seed 001: DataManager, three lines ported, over ${tier.name}`, () => {
    it('getData: the cloud the first time (back-filled), then memory, then local after clearCache; setData reaches the cloud', async () => {
      const cloud = tier.make();
      const world = seedWorld();
      await world.mini.ready();
      world.run('storage.js', storageJs);
      world.provide('cloud', cloud); // the app's `./cloud`: `module.exports = createFirestoreCloudTier({ … })`
      const dm = world.run('dataManager.js', dataManagerJs) as SeedDataManager;
      try {
        await cloud.set('userInfo', { id: 1, name: '张三' }); // written by another device
        expect(await dm.getData('userInfo')).toEqual({ id: 1, name: '张三' });
        expect(dm.storage.get('userInfo')).toEqual({ id: 1, name: '张三' }); // back-filled (expire: cacheTime, 300 s)
        expect(await dm.getData('userInfo')).toEqual({ id: 1, name: '张三' });
        dm.clearCache('userInfo');
        expect(await dm.getData('userInfo')).toEqual({ id: 1, name: '张三' });
        expect(world.logs()).toEqual(['从云数据库获取数据 userInfo', '从内存缓存获取数据 userInfo', '从本地存储获取数据 userInfo']);

        await dm.setData('settings', { theme: 'dark' });
        expect(await cloud.get('settings')).toEqual({ theme: 'dark' });
        await cloud.set('settings', { theme: 'light' }); // another device again
        expect(await dm.getData('settings', { forceRefresh: true })).toEqual({ theme: 'light' });
        expect(await dm.preloadData(['userInfo', 'nowhere'])).toEqual([{ id: 1, name: '张三' }, null]);

        // The cloud unreachable: the seed's setData logs it and keeps the local write.
        tier.failNext(cloud, 3);
        await dm.setData('draft', { text: '离线' });
        expect(world.logs('error')).toEqual([expect.stringMatching(/^同步到云数据库失败/)]);
        expect(dm.storage.get('draft')).toEqual({ text: '离线' });
        await settle(world.mini);
      } finally {
        await cloud.close?.();
      }
    });
  });
}

describe("seed 001's DataManager calls on Stowage's read-through (createCacheManager, the cloud tier its loader)", () => {
  it('cacheTime in seconds there, milliseconds here; syncToCloud true by default there, a cloud.set here', async () => {
    const cloud = memoryCloudTier();
    const storage = createStorage({ broadcast: false });
    const cache = createCacheManager({ storage, memory: { maxEntries: 50 }, defaultTtl: 300 * 1000 });
    // One line per seed method:
    const dataManager = {
      getData: (key: string, o: { cacheTime?: number; forceRefresh?: boolean } = {}) =>
        cache.get(key, { loader: cloud.get, ttl: (o.cacheTime ?? 300) * 1000, refresh: o.forceRefresh ?? false }).then((v) => v ?? null),
      setData: async (key: string, d: unknown, o: { syncToCloud?: boolean } = {}) => {
        await cache.set(key, d);
        if (o.syncToCloud ?? true) await cloud.set(key, d);
      },
      fetchFromCloud: (key: string) => cloud.get(key).then((v) => v ?? null),
      syncToCloud: (key: string, d: unknown) => cloud.set(key, d),
      clearCache: (key?: string) => (key ? cache.delete(key) : cache.clear()),
      preloadData: (keys: string[]) => cache.warmup(keys, cloud.get).then((rs) => rs.map((r) => ({ key: r.key, ok: r.ok && r.source !== 'none' }))),
    };
    await dataManager.syncToCloud('userInfo', { id: 1 });
    expect(await dataManager.getData('userInfo', { cacheTime: 60 })).toEqual({ id: 1 }); // from the cloud, back-filled
    // The local tier keeps the copy as long as cacheTime says (a cache entry under the manager's namespace).
    expect((await getRecord(storage, 'cache:userInfo'))?.expiresAt).toBeGreaterThan(Date.now() + 59_000);
    const cloudReads = cloud.remote.calls.get;
    expect(await dataManager.getData('userInfo', { cacheTime: 60 })).toEqual({ id: 1 });
    expect(cloud.remote.calls.get).toBe(cloudReads); // memory answered
    expect(cache.getStats().memory.hits).toBe(1);
    await cloud.set('userInfo', { id: 2 }); // another device
    expect(await dataManager.getData('userInfo', { forceRefresh: true })).toEqual({ id: 2 });
    await dataManager.setData('settings', { theme: 'dark' });
    expect(await dataManager.fetchFromCloud('settings')).toEqual({ theme: 'dark' });
    await dataManager.clearCache();
    expect(await getRecord(storage, 'cache:settings')).toBeUndefined();
    expect(await dataManager.preloadData(['settings', 'nowhere'])).toEqual([{ key: 'settings', ok: true }, { key: 'nowhere', ok: false }]);
    expect(await dataManager.getData('nowhere')).toBeNull();
  });
});
