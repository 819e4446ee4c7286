import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, importData } from '@stowage/core';
import { createMiniStorage } from '../mini-storage.js';
import { memoryBus, setup, spyDriver, stored, tick, uniqueName, xorCodec } from './helpers.js';

/** Two "tabs": two Storage instances on one store, talking over an in-process bus. */
function twoTabs(extra: Record<string, unknown> = {}) {
  const inner = memoryDriver({ name: uniqueName() });
  const bus = memoryBus();
  const a = setup({ driver: spyDriver(inner), broadcast: bus, ...extra });
  const b = setup({ driver: spyDriver(inner), broadcast: bus, ...extra });
  return { a, b, inner };
}

describe('mirror coherence across tabs (shared store + broadcast)', () => {
  it("another tab's set / remove / clear reach this tab's mirror without reload", async () => {
    const { a, b } = twoTabs();
    await Promise.all([a.mini.ready(), b.mini.ready()]);
    a.mini.setStorageSync('k', { v: 1 });
    a.mini.batchSetStorageSync([{ key: 'x', value: 1 }, { key: 'y', value: 2 }]);
    await expect.poll(() => b.mini.getStorageSync('k')).toEqual({ v: 1 });
    await expect.poll(() => b.mini.getStorageInfoSync().keys).toEqual(['k', 'x', 'y']);
    a.mini.removeStorageSync('k');
    await expect.poll(() => b.mini.getStorageSync('k')).toBe('');
    await a.mini.setStorage({ key: 'async', data: 'yes' });
    await expect.poll(() => b.mini.getStorageSync('async')).toBe('yes');
    a.mini.clearStorageSync();
    await expect.poll(() => b.mini.getStorageInfoSync().keys).toEqual([]);
  });

  it("another tab's import (replace) is re-read in full", async () => {
    const { a, b } = twoTabs();
    await b.mini.ready();
    b.mini.setStorageSync('gone', 1);
    await b.mini.flush();
    await importData(a.mini.storage, { format: 'stowage-backup', version: 1, prefix: 'mini', exportedAt: 0, entries: [{ key: 'new', value: 'v', createdAt: 0, updatedAt: 0, schema: 1 }] }, { mode: 'replace' });
    await expect.poll(() => b.mini.getStorageInfoSync().keys).toEqual(['new']);
    expect(b.mini.getStorageSync('new')).toBe('v');
  });

  it('remote changes of encrypted keys arrive decrypted', async () => {
    const { a, b } = twoTabs({ encryption: xorCodec() });
    await b.mini.ready();
    await a.mini.setStorage({ key: 's', data: 'secret', encrypt: true });
    await expect.poll(() => b.mini.getStorageSync('s')).toBe('secret');
  });

  it('own writes are recognised by their echo: they cause no re-read of the store', async () => {
    const { mini, driver } = setup();
    await mini.ready();
    let reads = 0;
    const get = driver.get;
    const getMany = driver.getMany;
    driver.get = (k) => (reads++, get(k));
    driver.getMany = (ks) => (reads++, getMany(ks));
    mini.setStorageSync('a', 1);
    mini.removeStorageSync('b');
    mini.clearStorageSync();
    await mini.setStorage({ key: 'c', data: 1 });
    await mini.flush();
    for (let i = 0; i < 3; i++) await tick();
    expect(reads).toBe(0);
  });

  it('writes made directly on a shared Storage (not through this mini) are picked up too', async () => {
    const storage = createStorage({ driver: spyDriver(), prefix: 'mini', broadcast: false });
    const mini = createMiniStorage({ storage, pagehideTarget: false });
    await mini.ready();
    await storage.set('direct', 1);
    await expect.poll(() => mini.getStorageSync('direct')).toBe(1);
    await storage.remove('direct');
    await expect.poll(() => mini.getStorageSync('direct')).toBe('');
    await storage.setMany({ p: 1, q: 2 });
    await storage.clear();
    await expect.poll(() => mini.getStorageInfoSync().keys).toEqual([]);
  });

  it('racing writes from two tabs end with both mirrors equal to the store', async () => {
    const { a, b } = twoTabs();
    await Promise.all([a.mini.ready(), b.mini.ready()]);
    for (let i = 0; i < 20; i++) {
      a.mini.setStorageSync('k', `a${i}`);
      b.mini.setStorageSync('k', `b${i}`);
      if (i % 3 === 0) a.mini.removeStorageSync('k');
      await tick();
    }
    await Promise.all([a.mini.flush(), b.mini.flush()]);
    const inStore = (await stored(a.driver)).k?.value ?? '';
    await expect.poll(() => [a.mini.getStorageSync('k'), b.mini.getStorageSync('k')]).toEqual([inStore, inStore]);
  });

  it('a change another tab makes while ready() is reading is not lost', async () => {
    const { a, b } = twoTabs();
    await a.mini.setStorage({ key: 'before', data: 0 });
    // Hold b's scan after it read the store: its snapshot predates a's write, which b hears about
    // (broadcast) before the snapshot lands in its mirror.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const entries = b.driver.entries.bind(b.driver);
    let held = false;
    b.driver.entries = async (...args) => {
      const rows = await entries(...args);
      held = true;
      await gate;
      return rows;
    };
    const ready = b.mini.ready();
    await expect.poll(() => held).toBe(true);
    await a.mini.setStorage({ key: 'during', data: 1 });
    for (let i = 0; i < 3; i++) await tick();
    release();
    await ready;
    await expect.poll(() => b.mini.batchGetStorageSync(['before', 'during'])).toEqual([0, 1]);
  });

  it('a big remote batch (one scan instead of point reads) arrives complete', async () => {
    const { a, b } = twoTabs();
    await b.mini.ready();
    const kvList = Array.from({ length: 60 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, value: i }));
    await a.mini.storage.setMany(Object.fromEntries(kvList.map((kv) => [kv.key, kv.value])));
    await expect.poll(() => b.mini.getStorageInfoSync().keys.length).toBe(60);
    expect(b.mini.getStorageSync('k59')).toBe(59);
  });

  it('a re-read the store refuses is reported as a refresh error (the mirror keeps its last state)', async () => {
    const { a, b } = twoTabs();
    await b.mini.ready();
    b.mini.setStorageSync('k', 'old');
    await b.mini.flush();
    b.driver.get = () => Promise.reject(Object.assign(new Error('gone'), { name: 'UnknownError' }));
    await a.mini.setStorage({ key: 'k', data: 'new' });
    await expect.poll(() => b.errors.length).toBe(1);
    expect(b.errors[0]![0].code).toBe('unavailable');
    expect(b.errors[0]![1]).toEqual({ operation: 'refresh', keys: ['k'] });
    expect(b.mini.getStorageSync('k')).toBe('old');
  });

  it('after close() every call fails with closed', async () => {
    const { mini } = setup();
    await mini.ready();
    await mini.close();
    await expect(mini.setStorage({ key: 'k', data: 1 })).rejects.toMatchObject({ code: 'closed', errMsg: 'setStorage:fail the mini storage is closed' });
    expect(() => mini.setStorageSync('k', 1)).toThrow('setStorageSync:fail the mini storage is closed');
    await expect(mini.ready()).rejects.toMatchObject({ code: 'closed' });
  });
});
