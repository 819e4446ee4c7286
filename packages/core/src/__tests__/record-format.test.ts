// Record format v2 in one namespace (kernel/record-format.ts, format-pass.ts): v1 envelopes are
// rewritten lazily and by the pass, two tabs running the pass at once skip no page, and a v1 row
// written after the namespace was flagged (a tab on old code) is still found by scans.
import { describe, expect, it } from 'vitest';
import { createStorage, isRow, isStoredRecord, memoryDriver, recordOf, writesSettled } from '@stowage/core';
import type { Driver, StoredRecord } from '@stowage/core';
import { fakeClock } from './helpers.js';

const FLAG = '\u0000fmt/stowage/v2';
const CURSOR = '\u0000fmt/stowage/cursor';

/** A v1 envelope of a plain value, as v1 code wrote it. */
function v1(key: string, value: unknown, at = 1000, expiresAt?: number): StoredRecord {
  const bytes = JSON.stringify(value).length;
  const r: StoredRecord = { v: 1, s: 1, codecs: [], value, createdAt: at, updatedAt: at, size: key.length + bytes, rawSize: bytes };
  if (expiresAt !== undefined) r.expiresAt = expiresAt;
  return r;
}

async function loadV1(driver: Driver, n: number): Promise<string[]> {
  const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(4, '0')}`);
  await driver.batch(keys.map((k, i) => ({ type: 'put' as const, key: `stowage:${k}`, value: v1(k, { i }) })));
  return keys;
}

/** How the namespace's rows are stored now. */
async function kinds(driver: Driver): Promise<{ v1: number; v2: number }> {
  const rows = await driver.entries('stowage:');
  return { v1: rows.filter(([, v]) => isStoredRecord(v) && !isRow(v)).length, v2: rows.filter(([, v]) => isRow(v)).length };
}

/** Lets `s`'s write lane run until `done`. */
async function until(s: ReturnType<typeof createStorage>, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 30 && !(await done()); i++) await writesSettled(s);
  expect(await done()).toBe(true);
}

describe('record format v1 → v2', () => {
  it('a v1 record read is served as it is and rewritten as its v2 row, timestamps and expiry kept', async () => {
    const driver = memoryDriver();
    await driver.batch([{ type: 'put', key: 'stowage:a', value: v1('a', { x: 1 }, 500, 9_000) }]);
    const s = createStorage({ driver, clock: fakeClock(1000), broadcast: false });
    expect(await s.get('a')).toEqual({ x: 1 });
    await until(s, async () => isRow(await driver.get('stowage:a')));
    expect(recordOf('a', await driver.get('stowage:a'))).toMatchObject({ v: 2, value: { x: 1 }, createdAt: 500, updatedAt: 500, expiresAt: 9_000 });
    expect(await driver.get('\u0000ttl/stowage/k/a')).toBe(9_000); // its expiry marker with it
  });

  it('two storages running the pass over one store at once: every record rewritten once, values intact, the namespace flagged', async () => {
    const driver = memoryDriver();
    const keys = await loadV1(driver, 1700); // four pages of 500
    const clock = fakeClock(2000);
    const a = createStorage({ driver, clock, broadcast: false });
    const b = createStorage({ driver, clock, broadcast: false });
    const writes: string[] = [];
    const batch = driver.batch.bind(driver);
    driver.batch = async (ops) => {
      await batch(ops); // only what committed is counted: a page whose check failed wrote nothing
      for (const op of ops) if (op.type === 'put' && op.key.startsWith('stowage:')) writes.push(op.key);
    };
    await Promise.all([a.get('k0000'), b.get('k0001')]); // each meets a v1 record: both passes start
    await until(a, async () => (await driver.get(FLAG)) === 2 && (await kinds(driver)).v1 === 0);
    await Promise.all([writesSettled(a), writesSettled(b)]);
    expect(await kinds(driver)).toEqual({ v1: 0, v2: 1700 });
    expect(await driver.get(CURSOR)).toBeUndefined();
    // The passes took turns (a page whose cursor check failed is read again after the other's), so
    // no record was rewritten twice (the two lazy rewrites of the keys read are the only other writes).
    expect(writes.length).toBeLessThanOrEqual(1700 + 2);
    expect(new Set(writes).size).toBe(1700);
    expect((await a.scan()).map((e) => e.value)).toEqual(keys.map((_, i) => ({ i })));
  });

  it('a v1 row written after the namespace was flagged (a tab on old code) is still listed by a scan, then migrated', async () => {
    const driver = memoryDriver();
    const s = createStorage({ driver, clock: fakeClock(3000), broadcast: false });
    await s.setMany({ a: 1, c: 3 });
    await s.scan(); // only v2 rows: the flag
    await writesSettled(s);
    expect(await driver.get(FLAG)).toBe(2);
    await driver.batch([{ type: 'put', key: 'stowage:b', value: v1('b', 2) }]); // an old tab's write
    expect((await s.scan()).map((e) => [e.key, e.value])).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    await until(s, async () => isRow(await driver.get('stowage:b')));
    expect((await s.scan()).map((e) => [e.key, e.value])).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  });

  it('a rewrite never overwrites a newer write: the record changed after it was read stays', async () => {
    const driver = memoryDriver();
    await driver.batch([{ type: 'put', key: 'stowage:a', value: v1('a', 'old') }]);
    const s = createStorage({ driver, clock: fakeClock(4000), broadcast: false });
    const get = driver.get.bind(driver);
    let raced = false;
    driver.get = async (key) => {
      const v = await get(key);
      // Another tab (v1 code) writes right after this read, before the lazy rewrite commits.
      if (key === 'stowage:a' && !raced) {
        raced = true;
        await driver.batch([{ type: 'put', key: 'stowage:a', value: v1('a', 'newer', 4001) }]);
      }
      return v;
    };
    expect(await s.get('a')).toBe('old');
    await writesSettled(s);
    await until(s, async () => isRow(await driver.get('stowage:a')));
    expect(await s.get('a')).toBe('newer');
  });

  it('an envelope of a later version (newer code in another tab) is never rewritten down, by a read or by the pass', async () => {
    const driver = memoryDriver();
    await loadV1(driver, 3);
    const later = { ...v1('z', { z: 1 }), v: 3, extra: 'a field v2 code does not know' };
    await driver.batch([{ type: 'put', key: 'stowage:z', value: later }]);
    const s = createStorage({ driver, clock: fakeClock(2000), broadcast: false });
    await s.get('z');
    await s.get('k0000'); // a v1 read: starts the pass over the whole namespace
    await until(s, async () => (await kinds(driver)).v2 === 3);
    expect(await driver.get('stowage:z')).toEqual(later);
  });
});
