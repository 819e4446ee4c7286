// Seed 001, "存储工具类封装" + "使用示例": the seed's StorageManager (utils/storage.js) and the profile
// page that uses it, unchanged, over Stowage's mini API; then the same page on Stowage's own
// createStorageManager, each call through the one-line mapping of packages/mini/README.md.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryDriver } from '@stowage/core';
import type { Driver } from '@stowage/core';
import { aesGcmCodec } from '@stowage/codecs/aes-gcm';
import { deflateCodec } from '@stowage/codecs/deflate';
import { createStorageManager } from '@stowage/mini';
import profilePage from './fixtures/profile-page.js?raw';
import storageJs from './fixtures/storage.js?raw';
import { seedWorld, settle, type SeedPage } from './seed-runtime.js';

const HOUR = 3_600_000;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.UTC(2026, 11, 6, 8));
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts the app on `driver` as a page load does: storage module, page module, onLoad. */
async function openProfile(driver: Driver, fromServer: unknown[]) {
  const world = seedWorld({ driver });
  await world.mini.ready(); // the one line a port adds
  world.run('storage.js', storageJs);
  world.run('profile.js', profilePage);
  const page = world.pages[0] as SeedPage;
  // The app's own methods, which the seed leaves out of the example.
  page.fetchDataFromAPI = async () => (fromServer.push('fetch'), { posts: [{ id: 1, title: '你好' }] });
  page.processData = (data: unknown) => fromServer.push(data);
  (page.onLoad as () => void).call(page);
  await settle(world.mini);
  return { world, page };
}

describe('seed 001: StorageManager and the profile page, unchanged over createMiniStorage', () => {
  it('first load fetches and caches for 1 h; saved user info (7 days, "encrypted") and settings survive a reload', async () => {
    const driver = memoryDriver();
    const server: unknown[] = [];
    const first = await openProfile(driver, server);
    expect(first.page.data).toEqual({ userInfo: null, settings: { theme: 'light', language: 'zh-CN', notifications: true } });
    expect(server).toEqual(['fetch', { posts: [{ id: 1, title: '你好' }] }]);
    expect(first.world.calls.map((c) => c.api).filter((a) => !a.startsWith('console'))).toEqual(['showLoading', 'hideLoading']);
    (first.page.saveUserInfo as (u: unknown) => void).call(first.page, { id: 1, name: 'Zhang San' });
    (first.page.saveSettings as (s: unknown) => void).call(first.page, { theme: 'dark', language: 'en', notifications: false });
    expect(first.world.logs('error')).toEqual([]);
    await first.world.mini.flush(); // a reload: the next page load opens the same store

    vi.setSystemTime(Date.now() + 30 * 60_000);
    const again = await openProfile(driver, server);
    expect(again.page.data).toEqual({ userInfo: { id: 1, name: 'Zhang San' }, settings: { theme: 'dark', language: 'en', notifications: false } });
    expect(server).toHaveLength(2); // cache_data still fresh: no fetch
    await again.world.mini.flush();

    vi.setSystemTime(Date.now() + HOUR);
    const later = await openProfile(driver, server);
    expect(server).toHaveLength(4); // cache_data expired after its hour: fetched again
    (later.page.viewStorageInfo as () => void).call(later.page);
    const modal = later.world.calls.find((c) => c.api === 'showModal')?.args[0] as { content: string };
    expect(modal.content).toMatch(/^已使用: 1KB\n总容量: 10240KB\n使用率: 0\.01%$/);
  });

  it('clearCache: cleanExpired counts what expired, the toast says so', async () => {
    const driver = memoryDriver();
    const { world, page } = await openProfile(driver, []);
    const storage = world.run('storage-again.js', 'module.exports = require("./storage")') as { set(k: string, v: unknown, o?: unknown): boolean };
    storage.set('temp_data', 1, { expire: 60 });
    storage.set('a', 1, { expire: 60 });
    vi.setSystemTime(Date.now() + 61_000);
    (page.clearCache as () => void).call(page);
    expect(world.calls.find((c) => c.api === 'showToast')?.args[0]).toEqual({ title: '清理了2个过期数据', icon: 'success' });
    await settle(world.mini);
    expect(world.mini.getStorageInfoSync().keys).toEqual([]);
  });

  it("the seed's own limit: its encrypt (btoa) cannot take Chinese text, so set returns false — Stowage's manager can", async () => {
    const { world, page } = await openProfile(memoryDriver(), []);
    (page.saveUserInfo as (u: unknown) => void).call(page, { id: 1, name: '张三' });
    expect(world.logs('error')).toEqual([expect.stringMatching(/^存储失败/)]);
    expect(world.wx.getStorageSync('mp_userInfo')).toBe('');
  });
});

describe("seed 001's profile page on Stowage's createStorageManager (the one-line mapping)", () => {
  /** The page's methods with each storage call mapped: `storage.x(…)` → `await storage.x(…)`. */
  function profileOn(storage: ReturnType<typeof createStorageManager>, fetched: unknown[]) {
    const page = {
      data: { userInfo: null as unknown, settings: null as unknown },
      setData(p: Record<string, unknown>) { Object.assign(page.data, p); },
      async loadUserData() {
        const userInfo = await storage.get('userInfo');
        if (userInfo) page.setData({ userInfo });
        const settings = await storage.get('settings', { theme: 'light', language: 'zh-CN', notifications: true });
        page.setData({ settings });
        const cacheData = await storage.get('cache_data');
        if (!cacheData) await page.loadDataFromServer();
      },
      async saveUserInfo(userInfo: unknown) {
        await storage.set('userInfo', userInfo, { expire: 7 * 24 * 3600, encrypt: true }); // seconds, as in the seed
        page.setData({ userInfo });
      },
      async loadDataFromServer() {
        fetched.push('fetch');
        await storage.set('cache_data', { posts: [1] }, { expire: 3600, compress: true });
      },
      async clearCache() {
        const cleanedCount = await storage.cleanExpired();
        await storage.remove('cache_data');
        await storage.remove('temp_data');
        return `清理了${cleanedCount}个过期数据`;
      },
      async viewStorageInfo() {
        const info = await storage.getStorageInfo();
        return `已使用: ${info.currentSize}KB\n总容量: ${info.limitSize}KB\n使用率: ${(info.usage * 100).toFixed(2)}%`; // usage is 0–1 here
      },
    };
    return page;
  }

  it('encrypts for real (AES-GCM, Chinese text included), expires in seconds, and survives a reload', async () => {
    const driver = memoryDriver();
    // The mapping of the seed's `new StorageManager()`: a driver, and codecs for encrypt / compress.
    const open = () => createStorageManager({ driver, encryption: aesGcmCodec({ passphrase: 'correct horse' }), compression: deflateCodec(), broadcast: false });
    const fetched: unknown[] = [];
    const page = profileOn(open(), fetched);
    await page.loadUserData();
    await page.saveUserInfo({ id: 1, name: '张三' });
    expect(fetched).toHaveLength(1);
    const reloaded = profileOn(open(), fetched);
    await reloaded.loadUserData();
    expect(reloaded.data.userInfo).toEqual({ id: 1, name: '张三' });
    expect(fetched).toHaveLength(1);
    const raw = JSON.stringify(await driver.get('mini:userInfo'), (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v));
    expect(raw).not.toContain('张三'); // ciphertext at rest
    vi.setSystemTime(Date.now() + HOUR);
    expect(await reloaded.clearCache()).toBe('清理了1个过期数据');
    expect(await reloaded.viewStorageInfo()).toMatch(/^已使用: 1KB\n总容量: 10240KB\n使用率: 0\.0\d%$/);
  });
});
