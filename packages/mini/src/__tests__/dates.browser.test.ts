// Dates through the mini API over real IndexedDB: across a reload and from another "tab" (a second
// mini storage on the same database, told of the write by BroadcastChannel).
import { afterAll, expect, it } from 'vitest';
import { indexedDbDriver } from '@stowage/drivers';
import { createMiniStorage } from '../mini-storage.js';
import type { MiniStorage } from '../mini-types.js';

const dbName = `mini-dates-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const opened: MiniStorage[] = [];
const open = (): MiniStorage => {
  const m = createMiniStorage({ driver: indexedDbDriver({ dbName }) });
  opened.push(m);
  return m;
};
afterAll(async () => {
  await Promise.all(opened.map((m) => m.close().catch(() => undefined)));
  await new Promise((done) => {
    const req = indexedDB.deleteDatabase(dbName);
    req.onsuccess = req.onerror = req.onblocked = done;
  });
});

it('a Date written with setStorageSync is a Date after a reload and in another tab', async () => {
  const at = new Date(Date.UTC(2026, 11, 6, 8, 30));
  const tab = open();
  const other = open();
  await tab.ready();
  await other.ready();
  tab.setStorageSync('session', { loginTime: at, visits: [at] });
  await tab.flush();
  for (let i = 0; i < 100 && other.getStorageSync('session') === ''; i++) await new Promise((r) => setTimeout(r, 10));
  expect(other.getStorageSync('session')).toEqual({ loginTime: at, visits: [at] });
  await tab.close();
  const reloaded = open();
  await reloaded.ready();
  const back = reloaded.getStorageSync('session') as { loginTime: Date };
  expect(back.loginTime).toBeInstanceOf(Date);
  expect(back.loginTime.getTime()).toBe(at.getTime());
  expect((await reloaded.getStorage({ key: 'session' })).data).toEqual({ loginTime: at, visits: [at] });
});
