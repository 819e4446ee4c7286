// The storage manager of @stowage/core over the real IndexedDB of Chromium: auto-batching into one
// transaction, per-call errors, events between instances, fallback. (Quota: storage-quota.browser.test.ts.)
import { describe, expect, it } from 'vitest';
import { checkHealth, cleanExpired, createKernel, createStorage, expiryLayer, StowageError, storageInfo } from '@stowage/core';
import type { StorageEvent } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';

let n = 0;
const dbName = (): string => `storage-idb-${Date.now()}-${n++}`;
/** Counts transactions of each mode opened on any IDBDatabase while `fn` runs. */
async function countTransactions(fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const original = IDBDatabase.prototype.transaction;
  const count: Record<string, number> = {};
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const mode = args[1] ?? 'readonly';
    count[mode] = (count[mode] ?? 0) + 1;
    return original.apply(this, args);
  } as IDBDatabase['transaction'];
  try {
    await fn();
  } finally {
    IDBDatabase.prototype.transaction = original;
  }
  return count;
}

/** Counts readwrite transactions opened on any IDBDatabase while `fn` runs. */
async function countWriteTransactions(fn: () => Promise<unknown>): Promise<number> {
  return (await countTransactions(fn)).readwrite ?? 0;
}

describe('checkHealth over IndexedDB (Chromium)', () => {
  it('IndexedDB opens, round-trips the probe, persists and reports the origin quota; no key is left behind', async () => {
    const driver = indexedDbDriver({ dbName: dbName() });
    const storage = createStorage({ driver });
    const health = await checkHealth(storage);
    expect(health).toMatchObject({ ok: true, driver: 'indexeddb', persistent: true, open: { ok: true }, readWrite: { ok: true } });
    expect(health.quota?.quota).toBeGreaterThan(0);
    expect(await driver.keys('')).toEqual([]);
    await storage.close();
  });
});

describe('createKernel over IndexedDB (Chromium)', () => {
  it('the bare kernel: a tick of writes is ONE readwrite transaction (no index to read first), a get is one readonly one', async () => {
    const name = dbName();
    const kv = createKernel({ driver: indexedDbDriver({ dbName: name }), prefix: 'app' });
    await kv.ready();
    const writes = await countTransactions(() => Promise.all(Array.from({ length: 100 }, (_, i) => kv.set(`k${i}`, { i }))));
    expect(writes).toEqual({ readwrite: 1 });
    const reads = await countTransactions(() => kv.get('k42'));
    expect(reads).toEqual({ readonly: 1 });
    await kv.close();
    const reloaded = createKernel({ driver: indexedDbDriver({ dbName: name }), prefix: 'app' });
    expect(await reloaded.get('k99')).toEqual({ i: 99 });
    expect(await reloaded.keys()).toHaveLength(100);
    await reloaded.close();
  });

  it('with the expiry layer alone: TTLs persist across a reload and a sweep deletes what expired', async () => {
    const name = dbName();
    const kv = createKernel({ driver: indexedDbDriver({ dbName: name }), layers: [expiryLayer()] });
    await kv.set('short', 1, { ttl: 1 });
    await kv.set('long', 2, { ttl: 60_000 });
    await kv.close();
    await new Promise((r) => setTimeout(r, 5));
    const driver = indexedDbDriver({ dbName: name });
    const reloaded = createKernel({ driver, layers: [expiryLayer()] });
    expect(await reloaded.keys()).toEqual(['long']);
    expect(await driver.get('stowage:short')).toBeDefined(); // expired, still stored
    expect(await cleanExpired(reloaded)).toBe(1);
    expect(await driver.get('stowage:short')).toBeUndefined();
    expect(await reloaded.get('long')).toBe(2);
    await reloaded.close();
  });
});

describe('createStorage over IndexedDB (Chromium)', () => {
  it('scan() reads 1,000 entries with values and metadata in ONE readonly transaction', async () => {
    const name = dbName();
    const s = createStorage({ driver: indexedDbDriver({ dbName: name }), prefix: 'app' });
    const other = createStorage({ driver: indexedDbDriver({ dbName: name }), prefix: 'other' });
    await s.setMany(Array.from({ length: 1000 }, (_, i) => [`k${String(i).padStart(4, '0')}`, { i, text: 'x'.repeat(i % 50) }] as const));
    await other.set('k0000', 'not mine');
    let entries: Awaited<ReturnType<typeof s.scan>> = [];
    // The first scan reads the format flag, then keys and values; seeing only v2 rows, it writes
    // the flag. From then on (this storage or a reload) a scan is one request: getAll.
    const first = await countTransactions(async () => {
      entries = await s.scan();
    });
    expect(first).toEqual({ readonly: 2, readwrite: 1 });
    const tx = await countTransactions(async () => {
      expect(await s.scan()).toEqual(entries);
    });
    expect(tx).toEqual({ readonly: 1 });
    expect(entries).toHaveLength(1000);
    expect(entries[0]).toMatchObject({ key: 'k0000', value: { i: 0, text: '' }, info: { encrypted: false } });
    expect(entries[999]?.value).toEqual({ i: 999, text: 'x'.repeat(49) });
    expect(entries.every((e, i) => e.key === `k${String(i).padStart(4, '0')}` && e.info.size > 0)).toBe(true);
    await s.close();
    await other.close();
  });

  it('200 concurrent set() calls share ONE IndexedDB transaction and all persist', async () => {
    const name = dbName();
    const s = createStorage({ driver: indexedDbDriver({ dbName: name }), prefix: 'app' });
    await s.ready();
    await storageInfo(s); // hydrate the key index outside the counted window
    const tx = await countWriteTransactions(() => Promise.all(Array.from({ length: 200 }, (_, i) => s.set(`k${i}`, { i }))));
    expect(tx).toBe(1);
    await s.close();
    const reopened = createStorage({ driver: indexedDbDriver({ dbName: name }), prefix: 'app' });
    expect((await reopened.keys()).length).toBe(200);
    expect(await reopened.get('k199')).toEqual({ i: 199 });
    await reopened.close();
  });

  it('one failing call in a tick fails alone; its neighbours are written', async () => {
    const s = createStorage({ driver: indexedDbDriver({ dbName: dbName() }), limits: { maxValueBytes: 1000 } });
    const results = await Promise.allSettled([s.set('a', 1), s.set('big', 'x'.repeat(2000)), s.set('cyclic', (() => { const o: Record<string, unknown> = {}; o.o = o; return o; })()), s.set('c', 3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'too-large' });
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid-argument' });
    expect(await s.keys()).toEqual(['a', 'c']);
    await s.close();
  });

  it('an atomic batch is one transaction: a failure leaves the store as it was', async () => {
    const s = createStorage({ driver: indexedDbDriver({ dbName: dbName() }) });
    await s.setMany({ a: 1, b: 2 });
    await expect(s.batch([{ type: 'remove', key: 'a' }, { type: 'set', key: 'b', value: 20 }, { type: 'set', key: 'bad', value: Symbol('x') }])).rejects.toBeInstanceOf(StowageError);
    expect(await s.getMany(['a', 'b', 'bad'])).toEqual([1, 2, undefined]);
    await s.close();
  });

  it('two instances on one database (as two tabs) receive each other\'s changes through BroadcastChannel', async () => {
    const name = dbName();
    const a = createStorage({ driver: indexedDbDriver({ dbName: name }), prefix: 'shared' });
    const b = createStorage({ driver: indexedDbDriver({ dbName: name }), prefix: 'shared' });
    const seen: StorageEvent[] = [];
    const got = new Promise<void>((resolve) => b.subscribe((e) => { seen.push(e); if (e.type === 'remove') resolve(); }));
    await a.set('k', { v: 1 });
    await a.remove('k');
    await got;
    expect(seen.map((e) => [e.type, 'key' in e ? e.key : undefined, 'source' in e ? e.source : undefined])).toEqual([
      ['set', 'k', 'remote'],
      ['remove', 'k', 'remote'],
    ]);
    await a.close();
    await b.close();
  });

  it('falls back to memory when IndexedDB throws on open, says so, and reports persistent: false', async () => {
    const throwing = { open: () => { throw new DOMException('denied', 'SecurityError'); } } as unknown as IDBFactory;
    const s = createStorage({ driver: indexedDbDriver({ dbName: dbName(), indexedDB: throwing }) });
    const events: StorageEvent[] = [];
    s.subscribe((e) => events.push(e));
    await s.set('k', 1);
    expect(await s.get('k')).toBe(1);
    const info = await storageInfo(s);
    expect(info.persistent).toBe(false);
    expect(events[0]).toMatchObject({ type: 'fallback', from: 'indexeddb', to: 'memory' });
    await s.close();
  });

  it('info() includes the browser storage estimate', async () => {
    const s = createStorage({ driver: indexedDbDriver({ dbName: dbName() }) });
    await s.set('k', 'v');
    const info = await storageInfo(s);
    expect(info.persistent).toBe(true);
    expect(info.estimate?.quota).toBeGreaterThan(0);
    await s.close();
  });
});
