import { afterAll, describe, expect, it } from 'vitest';
import { createStorage, recordOf } from '@stowage/core';
import type { StorageEvent } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers';
import { aesGcmCodec } from '@stowage/codecs';
import { createMiniStorage } from '../mini-storage.js';
import type { MiniStorage, MiniStorageOptions } from '../mini-types.js';

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const names: string[] = [];
const opened: MiniStorage[] = [];
let n = 0;
const freshDb = (): string => {
  const name = `mini-${run}-${++n}`;
  names.push(name);
  return name;
};
const mini = (dbName: string, extra: Partial<MiniStorageOptions> = {}): MiniStorage => {
  const m = createMiniStorage({ driver: indexedDbDriver({ dbName }), ...extra } as MiniStorageOptions);
  opened.push(m);
  return m;
};

afterAll(async () => {
  await Promise.all(opened.map((m) => m.close().catch(() => undefined)));
  await Promise.all(names.map((name) => new Promise((done) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = done;
  })));
});

/** Reads a record straight from IndexedDB, bypassing Stowage (database `name`, store `kv`). */
function rawGet(name: string, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const get = db.transaction('kv', 'readonly').objectStore('kv').get(key);
      get.onsuccess = () => {
        db.close();
        resolve(get.result);
      };
      get.onerror = () => reject(get.error);
    };
  });
}

describe('mini storage in Chromium over real IndexedDB', () => {
  it('the Sync API, after ready(), sees data written earlier by another storage instance', async () => {
    const dbName = freshDb();
    const writer = createStorage({ driver: indexedDbDriver({ dbName }), prefix: 'mini' });
    await writer.setMany({ user: { name: 'Ada' }, logs: [3, 2, 1] });
    await writer.close();

    const wx = mini(dbName);
    expect(() => wx.getStorageSync('user')).toThrow(/await mini.ready\(\)/);
    await wx.ready();
    expect(wx.getStorageSync('user')).toEqual({ name: 'Ada' });
    expect(wx.batchGetStorageSync(['logs', 'none'])).toEqual([[3, 2, 1], '']);
    expect(wx.getStorageInfoSync().keys).toEqual(['logs', 'user']);
  });

  it('two instances on one database ("two tabs") see each other\'s writes through BroadcastChannel, without reload', async () => {
    const dbName = freshDb();
    const tabA = mini(dbName);
    const tabB = mini(dbName);
    await Promise.all([tabA.ready(), tabB.ready()]);
    const remoteEvents: StorageEvent[] = [];
    tabB.subscribe((e) => e.type !== 'error' && e.type !== 'fallback' && e.source === 'remote' && remoteEvents.push(e));

    tabA.setStorageSync('cart', ['apple']);
    await expect.poll(() => tabB.getStorageSync('cart')).toEqual(['apple']);
    tabB.setStorageSync('cart', ['apple', 'pear']);
    await expect.poll(() => tabA.getStorageSync('cart')).toEqual(['apple', 'pear']);
    await tabA.batchSetStorage({ kvList: [{ key: 'x', value: 1 }, { key: 'y', value: 2 }] });
    await expect.poll(() => tabB.batchGetStorageSync(['x', 'y'])).toEqual([1, 2]);
    tabA.removeStorageSync('x');
    await expect.poll(() => tabB.getStorageSync('x')).toBe('');
    tabB.clearStorageSync();
    await expect.poll(() => tabA.getStorageInfoSync().keys).toEqual([]);
    expect(remoteEvents.length).toBeGreaterThan(0);
  });

  it('setStorageSync + flush(), then a fresh instance reads it from IndexedDB', async () => {
    const dbName = freshDb();
    const first = mini(dbName);
    await first.ready();
    for (let i = 0; i < 50; i++) first.setStorageSync(`k${i}`, { i });
    first.setStorageSync('last', 'written behind');
    await first.flush();
    // Durable in IndexedDB itself, not only in some Stowage cache.
    expect(await rawGet(dbName, 'mini:last')).toMatchObject({ value: 'written behind' });
    await first.close();

    const second = mini(dbName);
    await second.ready();
    expect(second.getStorageSync('last')).toBe('written behind');
    expect(second.getStorageSync('k49')).toEqual({ i: 49 });
    expect(second.getStorageInfoSync().keys).toHaveLength(51);
  });

  it('AES-GCM: the Sync API reads plaintext from the mirror while IndexedDB holds ciphertext', async () => {
    const dbName = freshDb();
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const a = mini(dbName, { encryption: aesGcmCodec({ key, keyId: 'k1' }) });
    await a.ready();
    a.batchSetStorageSync([{ key: 'token', value: 'hunter2', encrypt: true }]);
    await a.flush();
    const raw = recordOf('token', await rawGet(dbName, 'mini:token')); // the stored row, as layers read it
    expect(raw.codecs).toEqual(['aes-gcm']);
    expect(new TextDecoder().decode(raw.data)).not.toContain('hunter2');
    const b = mini(dbName, { encryption: aesGcmCodec({ key, keyId: 'k1' }) });
    await b.ready();
    expect(b.getStorageSync('token')).toBe('hunter2');
  });

  it('listens for pagehide on the window by default, and stops on close()', async () => {
    const seen: string[] = [];
    const add = window.addEventListener;
    const remove = window.removeEventListener;
    window.addEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      if (type === 'pagehide') seen.push('add');
      return (add as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof add;
    window.removeEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      if (type === 'pagehide') seen.push('remove');
      return (remove as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof remove;
    try {
      const dbName = freshDb();
      const wx = createMiniStorage({ driver: indexedDbDriver({ dbName }) });
      await wx.ready();
      wx.setStorageSync('draft', 'unsaved text');
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
      await wx.close(); // close() flushes too
      expect(seen).toEqual(['add', 'remove']);
      expect(await rawGet(dbName, 'mini:draft')).toMatchObject({ value: 'unsaved text' });
    } finally {
      window.addEventListener = add;
      window.removeEventListener = remove;
    }
  });
});
