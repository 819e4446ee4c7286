// A database written by record-format-v1 code (the committed fixture, loaded with raw IndexedDB
// calls) opened by today's code in real Chromium: every value reads back, keys() never lists an
// expired key, builds its expiry markers once and then lists without reading records; the v1
// backup imports.
import { describe, expect, it } from 'vitest';
import { createStorage, exportData, importData } from '@stowage/core';
import type { StorageOptions } from '@stowage/core';
import { manualClock } from '@stowage/core/testing';
import { aesGcmCodec } from '@stowage/codecs';
import { deflateCodec } from '@stowage/codecs/deflate';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { loadV1Database, V1 } from './fixtures/v1-fixture.js';
import { rawStore } from './helpers.js';

const dbName = (): string => `v1-fixture-${crypto.randomUUID()}`;
const MARKS = '\u0000ttl/app/';

function appStorage(db: string, clock: ReturnType<typeof manualClock>, extra: Partial<StorageOptions> = {}) {
  return createStorage({
    driver: indexedDbDriver({ dbName: db }), prefix: 'app', clock, broadcast: false,
    compression: deflateCodec({ implementation: 'fflate' }), compressThreshold: 512, encryption: aesGcmCodec({ passphrase: V1.passphrase }), ...extra,
  });
}

/** Calls of getAll / getAllKeys on any object store while `fn` runs, with the lower bound of their range. */
async function reads(fn: () => Promise<unknown>): Promise<{ getAll: string[]; getAllKeys: string[] }> {
  const seen = { getAll: [] as string[], getAllKeys: [] as string[] };
  const proto = IDBObjectStore.prototype;
  const originals = { getAll: proto.getAll, getAllKeys: proto.getAllKeys };
  for (const m of ['getAll', 'getAllKeys'] as const) {
    proto[m] = function (this: IDBObjectStore, ...args: [IDBKeyRange?]) {
      seen[m].push(String(args[0]?.lower ?? ''));
      return (originals[m] as (...a: unknown[]) => IDBRequest).apply(this, args);
    } as never;
  }
  try {
    await fn();
  } finally {
    Object.assign(proto, originals);
  }
  return seen;
}

const LIVE = ['big', 'count', 'later', 'legacy', 'secret', 'session', 'settings', 'text', 'user:1', 'user:2', 'user:3', 'user:4', 'user:5'];

describe('a v1 database from the committed fixture (Chromium)', () => {
  it('reads every value back; keys() drops the expired ones, builds its markers once, then reads no record', async () => {
    const db = dbName();
    await loadV1Database(db);
    const clock = manualClock(V1.writtenAt + 10_000);
    const s = appStorage(db, clock);
    expect(await s.get('user:1')).toEqual({ id: 1, name: 'User 1, renamed', tags: [] });
    expect(await s.get('settings')).toEqual({ theme: 'dark', nested: { list: [1, 2, 3], flag: true, none: null } });
    expect(await s.get('secret')).toEqual({ card: '4242' });
    expect(((await s.get('big')) as { rows: unknown[] }).rows).toHaveLength(200);
    expect(await s.get('legacy')).toEqual({ from: 'idb-keyval', n: 1 });
    expect(await s.get('gone')).toBeUndefined();
    const first = await reads(async () => expect(await s.keys()).toEqual(LIVE));
    expect(first.getAll).toContain('app:'); // no markers yet: the namespace is read whole, once
    await s.set('touch', 1); // the marker build commits in the lane before this write
    const marks = (await rawStore(db)).keys.filter((k) => k.startsWith(MARKS));
    expect(marks).toEqual([`${MARKS}built`, `${MARKS}k/later`, `${MARKS}k/session`]); // 'gone' was deleted as expired
    const second = await reads(async () => expect(await s.keys()).toEqual([...LIVE, 'touch'].sort()));
    expect(second.getAll).toEqual([MARKS]); // values of the markers only
    expect(second.getAllKeys).toEqual([MARKS, 'app:']);
    await clock.advance(60_000); // the session expires
    expect(await s.keys()).toEqual([...LIVE, 'touch'].filter((k) => k !== 'session').sort());
    await s.close();
    // After a reload (a new storage on the same database): the same answer, still without a whole read.
    const again = appStorage(db, clock);
    const third = await reads(async () => expect(await again.keys()).toEqual([...LIVE, 'touch'].filter((k) => k !== 'session').sort()));
    expect(third.getAll).not.toContain('app:');
    await again.close();
  });

  it('an aborted write transaction (a crash) commits neither record nor marker: the key keeps its old state', async () => {
    const db = dbName();
    await loadV1Database(db);
    const clock = manualClock(V1.writtenAt + 10_000);
    const inner = indexedDbDriver({ dbName: db });
    let crash = false;
    // An op IndexedDB cannot clone, appended to the batch: the transaction aborts after the
    // marker and record puts were queued, as a tab killed before its commit.
    const driver = Object.assign(Object.create(inner) as typeof inner, {
      batch: (ops: Parameters<typeof inner.batch>[0]) => inner.batch(crash ? [...ops, { type: 'put', key: '\u0000boom', value: () => 1 }] : ops),
    });
    for (const m of ['open', 'get', 'getMany', 'entries', 'keys', 'clear', 'close'] as const) (driver as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
    const s = appStorage(db, clock, { driver });
    expect(await s.keys()).toEqual(LIVE);
    await s.set('touch', 1);
    crash = true;
    await expect(s.set('text', 'rewritten with a TTL', { ttl: 10 })).rejects.toThrow();
    await expect(s.set('session', { token: 'no expiry now' })).rejects.toThrow();
    crash = false;
    await clock.advance(60_000);
    expect(await s.get('text')).toBe('plain string');
    expect(await s.keys()).toEqual([...LIVE, 'touch'].filter((k) => k !== 'session').sort());
    const marks = (await rawStore(db)).keys.filter((k) => k.startsWith(`${MARKS}k/`));
    expect(marks).not.toContain(`${MARKS}k/text`);
    await s.close();
  });

  it('its v1 backup imports into a new database, expiries kept; an export of that imports again', async () => {
    const clock = manualClock(V1.writtenAt + 10_000);
    const s = appStorage(dbName(), clock);
    await importData(s, V1.backup);
    expect(await s.keys()).toEqual(LIVE);
    expect(await s.get('secret')).toEqual({ card: '4242' });
    expect(await s.get('user:1')).toEqual({ id: 1, name: 'User 1, renamed', tags: [] });
    const copy = await exportData(s); // an export written by today's code, of what the v1 backup held
    await clock.advance(60_000);
    expect(await s.keys()).toEqual(LIVE.filter((k) => k !== 'session'));
    const t = appStorage(dbName(), clock);
    await importData(t, copy);
    expect(await t.keys()).toEqual(LIVE.filter((k) => k !== 'session'));
    expect(await t.get('big')).toEqual(await s.get('big'));
    await s.close();
    await t.close();
  });
});
