// Record format v1 → v2 in place, in real Chromium, from the committed v1 fixture (plus 1,200 v1
// records shaped like its plain ones, so the pass takes three pages): every value reads back
// before, during (the pass's second page aborted, as a tab killed mid-page, then the storage
// closed) and after; the pass resumes from its cursor; keys() never lists an expired key; the
// encrypted and compressed records decode; exports taken before and after the migration import.
import { describe, expect, it } from 'vitest';
import { createStorage, exportData, importData, isRow, isStoredRecord, valuesOf } from '@stowage/core';
import type { Driver, EntriesOptions, StorageOptions } from '@stowage/core';
import { manualClock } from '@stowage/core/testing';
import { aesGcmCodec } from '@stowage/codecs';
import { deflateCodec } from '@stowage/codecs/deflate';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { loadV1Database, V1 } from './fixtures/v1-fixture.js';
import { rawStore } from './helpers.js';

const CURSOR = '\u0000fmt/app/cursor';
const FLAG = '\u0000fmt/app/v2';
const BULK = Array.from({ length: 1200 }, (_, i) => `bulk:${String(i).padStart(4, '0')}`);
const FIXTURE_LIVE = ['big', 'count', 'later', 'legacy', 'secret', 'session', 'settings', 'text', 'user:1', 'user:2', 'user:3', 'user:4', 'user:5'];
const LIVE = [...FIXTURE_LIVE, ...BULK].sort();

/** The fixture, then the bulk records as v1 code wrote plain values (raw puts, out-of-line keys). */
async function loadDatabase(db: string): Promise<void> {
  await loadV1Database(db);
  const conn = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(db);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const tx = conn.transaction('kv', 'readwrite');
  for (const [i, key] of BULK.entries()) {
    const value = { i, note: `bulk ${i}` };
    const bytes = JSON.stringify(value).length;
    tx.objectStore('kv').put({ v: 1, s: 1, codecs: [], createdAt: V1.writtenAt, updatedAt: V1.writtenAt, size: key.length + bytes, rawSize: bytes, value }, `app:${key}`);
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  conn.close();
}

/** An IndexedDB driver whose `crashPage`-th batch writing the pass's cursor aborts (nothing of it lands); `entries` calls recorded. */
function crashingDriver(db: string, crashPage: number): Driver & { afters: (string | undefined)[] } {
  const inner = indexedDbDriver({ dbName: db });
  let pages = 0;
  const afters: (string | undefined)[] = [];
  return Object.assign(Object.create(inner) as Driver, {
    afters,
    open: () => inner.open(), get: (k: string) => inner.get(k), getMany: (k: readonly string[]) => inner.getMany(k), keys: (p: string) => inner.keys(p),
    clear: (p: string) => inner.clear(p), close: () => inner.close(), values: (p: string, o?: EntriesOptions) => valuesOf(inner, p, o),
    entries: (p: string, o?: EntriesOptions) => {
      if (o?.limit !== undefined) afters.push(o.after);
      return inner.entries(p, o);
    },
    batch: (ops: Parameters<Driver['batch']>[0]) => {
      const page = ops.some((op) => op.key === CURSOR && op.type === 'put') && ++pages === crashPage;
      // An op IndexedDB cannot clone, last: the transaction aborts after every other put was queued.
      return inner.batch(page ? [...ops, { type: 'put', key: '\u0000boom', value: () => 1 }] : ops);
    },
  });
}

function appStorage(driver: Driver, clock: ReturnType<typeof manualClock>, extra: Partial<StorageOptions> = {}) {
  return createStorage({
    driver, prefix: 'app', clock, broadcast: false,
    compression: deflateCodec({ implementation: 'fflate' }), compressThreshold: 512, encryption: aesGcmCodec({ passphrase: V1.passphrase }), ...extra,
  });
}

/** Driver keys of the namespace's rows by format. */
async function formats(db: string): Promise<{ v1: string[]; v2: string[]; foreign: string[]; cursor: unknown; flag: unknown }> {
  const { keys, values } = await rawStore(db);
  const out = { v1: [] as string[], v2: [] as string[], foreign: [] as string[], cursor: undefined as unknown, flag: undefined as unknown };
  keys.forEach((k, i) => {
    const v = values[i];
    if (k === CURSOR) out.cursor = v;
    if (k === FLAG) out.flag = v;
    if (!k.startsWith('app:')) return;
    (isRow(v) ? out.v2 : isStoredRecord(v) ? out.v1 : out.foreign).push(k.slice(4));
  });
  return out;
}

/** Lets the lane run (each write queues behind the pass pages already queued) until `done`. */
async function until(s: ReturnType<typeof appStorage>, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 40 && !(await done()); i++) await s.set('tick', i);
  expect(await done()).toBe(true);
}

describe('record format v1 → v2 in place (Chromium, committed fixture)', () => {
  it('every value reads back before, during and after; an aborted page resumes from its cursor; expiry holds; exports import', async () => {
    const db = `v1-migration-${crypto.randomUUID()}`;
    await loadDatabase(db);
    const clock = manualClock(V1.writtenAt + 10_000);
    const first = crashingDriver(db, 2);
    const s = appStorage(first, clock);
    const errors: unknown[] = [];
    s.subscribe((e) => void (e.type === 'error' && errors.push(e.error)));

    // Before: v1 rows served as they are (reading one starts the pass; each one read is also
    // rewritten lazily, so only a sample is read here, leaving the bulk to the pass).
    const sample = [...FIXTURE_LIVE, 'bulk:0000', 'bulk:0700'];
    const values = new Map(sample.map((k, i) => [k, i] as const));
    const read = await s.getMany(sample);
    const expected = LIVE.map((k) => (k.startsWith('bulk:') ? { i: Number(k.slice(5)), note: `bulk ${Number(k.slice(5))}` } : read[values.get(k) as number]));
    expect(read.slice(-2)).toEqual([{ i: 0, note: 'bulk 0' }, { i: 700, note: 'bulk 700' }]);
    expect(await s.get('user:1')).toEqual({ id: 1, name: 'User 1, renamed', tags: [] });
    expect(await s.get('secret')).toEqual({ card: '4242' });
    expect(((await s.get('big')) as { rows: unknown[] }).rows).toHaveLength(200);
    expect(await s.get('legacy')).toEqual({ from: 'idb-keyval', n: 1 });
    const v1Export = await exportData(s);

    // During: page 1 committed with its cursor; page 2 aborted (nothing of it landed); closed mid-pass.
    await until(s, async () => errors.length > 0);
    const during = await formats(db);
    expect(during.cursor).toBe('app:bulk:0498'); // the last key of page 1 ('big' + 499 bulk records)
    expect(during.flag).toBeUndefined();
    expect(during.v2).toEqual(expect.arrayContaining(['big', 'bulk:0000', 'bulk:0498']));
    expect(during.v1).toEqual(expect.arrayContaining(['bulk:0499', 'bulk:0998', 'bulk:1199']));
    expect(await s.getMany(LIVE)).toEqual(expected);
    expect((await s.keys()).filter((k) => k !== 'tick')).toEqual(LIVE);
    await s.close();

    // After a reload: the pass resumes after its cursor and finishes; every record is a v2 row.
    const second = crashingDriver(db, 0);
    const t = appStorage(second, clock);
    // (Reading every value during the pass rewrote each one lazily; 'gone', expired, was never read.)
    expect((await formats(db)).v1).toEqual(['gone']);
    const hydrated = (await t.scan()).filter((e) => e.key !== 'tick'); // the app's first read: it meets a v1 row, the pass starts
    expect(hydrated.map((e) => e.value)).toEqual(expected);
    await until(t, async () => (await formats(db)).flag === 2);
    expect(second.afters[0]).toBe('app:bulk:0498'); // resumed after its cursor, not from the start
    expect(await formats(db)).toMatchObject({ v1: [], foreign: [], cursor: undefined });
    expect(await t.getMany(LIVE)).toEqual(expected);
    await clock.advance(60_000); // the session expires
    const after = LIVE.filter((k) => k !== 'session');
    expect((await t.keys()).filter((k) => k !== 'tick')).toEqual(after);
    const scanned = (await t.scan()).filter((e) => e.key !== 'tick');
    expect(scanned.map((e) => e.key)).toEqual(after);
    expect(scanned.map((e) => e.value)).toEqual(after.map((k) => expected[LIVE.indexOf(k)]));
    expect(scanned.find((e) => e.key === 'secret')?.info).toMatchObject({ encrypted: true });
    expect(scanned.find((e) => e.key === 'big')?.info).toMatchObject({ compressed: true });
    const v2Export = await exportData(t);
    await t.close();

    // Exports of both formats import into a fresh database.
    for (const backup of [v1Export, v2Export]) {
      const fresh = appStorage(indexedDbDriver({ dbName: `v1-migration-${crypto.randomUUID()}` }), clock);
      await importData(fresh, backup);
      expect((await fresh.keys()).filter((k) => k !== 'tick')).toEqual(after);
      expect(await fresh.getMany(after)).toEqual(after.map((k) => expected[LIVE.indexOf(k)]));
      await fresh.close();
    }
  }, 60_000);
});
