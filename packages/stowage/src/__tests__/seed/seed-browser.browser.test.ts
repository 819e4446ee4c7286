// Seed 001 in real Chromium over IndexedDB: the StorageManager and the profile page, unchanged,
// across a reload (a new mini storage and driver on the same database), and the 异步存储 example.
import { afterAll, expect, it } from 'vitest';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import asyncStorage from './fixtures/async-storage.js?raw';
import profilePage from './fixtures/profile-page.js?raw';
import storageJs from './fixtures/storage.js?raw';
import { seedWorld, settle, type SeedPage } from './seed-runtime.js';

const dbName = `seed-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
afterAll(async () => {
  await new Promise((done) => {
    const req = indexedDB.deleteDatabase(dbName);
    req.onsuccess = req.onerror = req.onblocked = done;
  });
});

async function openProfile(fetched: string[]) {
  const world = seedWorld({ driver: indexedDbDriver({ dbName }) });
  await world.mini.ready();
  world.run('storage.js', storageJs);
  world.run('profile.js', profilePage);
  const page = world.pages[0] as SeedPage;
  page.fetchDataFromAPI = async () => (fetched.push('fetch'), { posts: [1, 2, 3] });
  page.processData = () => undefined;
  (page.onLoad as () => void).call(page);
  await settle(world.mini);
  return { world, page };
}

it('the profile page: fetched and cached on the first load, saved data and the cache read back after a reload', async () => {
  const fetched: string[] = [];
  const first = await openProfile(fetched);
  (first.page.saveUserInfo as (u: unknown) => void).call(first.page, { id: 7, name: 'Li Si' });
  (first.page.saveSettings as (s: unknown) => void).call(first.page, { theme: 'dark', language: 'zh-CN', notifications: false });
  await first.world.mini.close(); // the page goes away; its writes are on disk

  const second = await openProfile(fetched);
  expect(second.page.data).toEqual({ userInfo: { id: 7, name: 'Li Si' }, settings: { theme: 'dark', language: 'zh-CN', notifications: false } });
  expect(fetched).toEqual(['fetch']); // cache_data (1 h) survived the reload
  expect(second.world.logs('error')).toEqual([]);
  await second.world.mini.close();
});

it('异步存储 over IndexedDB: store, read, remove, info, in the order issued', async () => {
  const world = seedWorld({ driver: indexedDbDriver({ dbName: `${dbName}-async` }) });
  const requests: unknown[] = [];
  world.run('async-storage.js', asyncStorage, { makeAuthenticatedRequest: (t: unknown) => requests.push(t), clearCache() {} });
  await settle(world.mini);
  expect(world.logs('error')).toEqual([]);
  expect(requests).toEqual(['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...']);
  expect(world.logs().at(-1)).toBe('存储空间使用率: 0.00%');
  await world.mini.close();
  await new Promise((done) => {
    const req = indexedDB.deleteDatabase(`${dbName}-async`);
    req.onsuccess = req.onerror = req.onblocked = done;
  });
});
