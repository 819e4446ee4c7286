import { createStorage } from '@stowage/core';
import type { Storage, StorageEvent } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createCacheManager, withMemoryCache } from '../index.js';
import { manualClock } from './helpers.js';
import type { TabCommand } from './other-tab.worker.js';

const opened: Storage[] = [];
const databases: string[] = [];
let seq = 0;
const newDb = (): string => {
  const name = `cache-test-${Date.now()}-${++seq}`;
  databases.push(name);
  return name;
};

function open(dbName: string, prefix = 'app', clock = manualClock()): Storage {
  const s = createStorage({ driver: indexedDbDriver({ dbName }), prefix, clock });
  opened.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  for (const name of databases.splice(0)) {
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = resolve;
    });
  }
});

/** Runs a command in "another tab" (a module worker: its own realm, same origin) and waits until it is committed. */
async function inOtherTab(command: TabCommand): Promise<void> {
  const worker = new Worker(new URL('./other-tab.worker.ts', import.meta.url), { type: 'module' });
  try {
    const reply = await new Promise<{ ok: boolean; error?: string }>((resolve, reject) => {
      worker.onmessage = (ev) => resolve(ev.data as { ok: boolean; error?: string });
      worker.onerror = (ev) => reject(new Error(ev.message));
      worker.postMessage(command);
    });
    if (!reply.ok) throw new Error(reply.error);
  } finally {
    worker.terminate();
  }
}

function nextRemote(storage: Storage, type: StorageEvent['type']): Promise<StorageEvent> {
  return new Promise((resolve) => {
    const off = storage.subscribe((e) => {
      if (e.type === type && 'source' in e && e.source === 'remote') {
        off();
        resolve(e);
      }
    });
  });
}

describe('cache manager over IndexedDB (real Chromium)', () => {
  test('the storage tier survives a reload: a new manager reads it without calling the loader', async () => {
    const db = newDb();
    const clock = manualClock();
    const first = createCacheManager({ storage: open(db, 'app', clock), clock, defaultTtl: 60_000 });
    const loader = vi.fn(async (key: string) => ({ key, at: 1 }));
    expect(await first.get('user:1', { loader })).toEqual({ key: 'user:1', at: 1 });
    await first.close();

    const again = createCacheManager({ storage: open(db, 'app', clock), clock, defaultTtl: 60_000 });
    expect(await again.get('user:1', { loader })).toEqual({ key: 'user:1', at: 1 });
    expect(loader).toHaveBeenCalledTimes(1);
    expect(again.getStats()).toMatchObject({ storage: { hits: 1 }, memory: { misses: 1 } });

    clock.advance(60_000); // the IndexedDB record expires with the entry
    expect(await again.get('user:1')).toBeUndefined();
    expect(await open(db, 'app', clock).keys()).toEqual([]);
  });

  test('10 concurrent gets load once and write one IndexedDB record', async () => {
    const db = newDb();
    const storage = open(db);
    const cache = createCacheManager({ storage });
    const loader = vi.fn(async () => ({ big: 'x'.repeat(1000) }));
    const values = await Promise.all(Array.from({ length: 10 }, () => cache.get('k', { loader })));
    expect(loader).toHaveBeenCalledTimes(1);
    expect(new Set(values.map((v) => v.big.length))).toEqual(new Set([1000]));
    expect(await storage.keys()).toEqual(['cache:k']);
  });

  test('clear() removes the cache namespace only, in a storage shared with app data and another prefix', async () => {
    const db = newDb();
    const storage = open(db, 'app');
    const otherPrefix = open(db, 'other');
    await storage.set('profile', { name: 'Ada' });
    await otherPrefix.set('cache:k', 'not ours');
    const cache = createCacheManager({ storage });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.clear();
    expect(await storage.keys()).toEqual(['profile']);
    expect(await otherPrefix.keys()).toEqual(['cache:k']);
    expect(await cache.get('a')).toBeUndefined();
  });
});

describe('cross-tab invalidation (a worker as the other tab)', () => {
  test('a cache write or delete in another tab evicts this tab’s memory copy', async () => {
    const db = newDb();
    const storage = open(db);
    const cache = createCacheManager({ storage });
    await cache.set('user', 'v1');
    expect(await cache.get('user')).toBe('v1');

    let remote = nextRemote(storage, 'set');
    await inOtherTab({ op: 'cache-set', dbName: db, key: 'user', value: 'v2' });
    await remote;
    expect(await cache.get('user')).toBe('v2');

    remote = nextRemote(storage, 'remove');
    await inOtherTab({ op: 'cache-delete', dbName: db, key: 'user' });
    await remote;
    expect(await cache.get('user')).toBeUndefined();

    await cache.set('user', 'v3');
    remote = nextRemote(storage, 'clear');
    await inOtherTab({ op: 'storage-clear', dbName: db });
    await remote;
    expect(await cache.get('user')).toBeUndefined();
    expect(cache.getStats().memory.size).toBe(0);
  });

  test('withMemoryCache drops a copy another tab overwrote', async () => {
    const db = newDb();
    const storage = withMemoryCache(open(db));
    await storage.set('settings', { theme: 'light' });
    expect(await storage.get('settings')).toEqual({ theme: 'light' });
    expect(await storage.get('settings')).toEqual({ theme: 'light' });
    expect(storage.memoryStats().hits).toBe(1);

    const remote = nextRemote(storage, 'set');
    await inOtherTab({ op: 'storage-set', dbName: db, key: 'settings', value: { theme: 'dark' } });
    await remote;
    expect(await storage.get('settings')).toEqual({ theme: 'dark' });
  });
});
