import { afterAll, describe, expect, it } from 'vitest';
import localforage from 'localforage';
import { describeDriverConformance, describeDriverInputValidation, expectStowageError, expectBytes } from '@stowage/test-utils';
import { localforageDriver } from '../localforage-driver.js';

const run = `drivers-lf-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
let n = 0;
// Stores made so far; each new one first empties the previous ones so values never pile up
// (localforage's localStorage backend shares the ~5 MB origin quota with everything else).
const made: LocalForage[] = [];

async function dropMade(): Promise<void> {
  for (const lf of made.splice(0)) await lf.clear().catch(() => undefined);
}

async function fresh(driver: string) {
  await dropMade();
  const name = `${run}-${++n}`;
  made.push(localforage.createInstance({ name, storeName: 'kv', driver }));
  return localforageDriver({ name, storeName: 'kv', driver });
}

afterAll(dropMade);

describeDriverConformance('localforageDriver (Chromium, IndexedDB backend)', () => fresh(localforage.INDEXEDDB));
describeDriverConformance('localforageDriver (Chromium, localStorage backend)', () => fresh(localforage.LOCALSTORAGE));
describeDriverInputValidation('localforageDriver (Chromium, IndexedDB backend)', () => fresh(localforage.INDEXEDDB));

describe('localforageDriver (Chromium)', () => {
  it('declares a non-atomic, persistent backend', async () => {
    const driver = await fresh(localforage.INDEXEDDB);
    expect(driver.capabilities).toEqual({ persistent: true, atomicBatch: false });
    expect(driver.scope).toBe(`localforage:${run}-${n}/kv`);
  });

  it('uses localforage’s default driver order when none is given (IndexedDB first here)', async () => {
    const name = `${run}-default`;
    const driver = localforageDriver({ name });
    await driver.batch([{ type: 'put', key: 'k', value: { b: new Uint8Array([9]) } }]);
    const lf = localforage.createInstance({ name, storeName: 'kv' });
    await lf.ready();
    expect(lf.driver()).toBe(localforage.INDEXEDDB);
    expect(await lf.getItem('k')).toEqual({ v: { b: new Uint8Array([9]) } });
    await lf.clear();
  });

  it('works over a ready-made instance', async () => {
    const instance = localforage.createInstance({ name: `${run}-instance`, storeName: 'mine' });
    made.push(instance);
    const driver = localforageDriver({ instance });
    expect(driver.scope).toBe(`localforage:${run}-instance/mine`);
    await driver.batch([{ type: 'put', key: 'bytes', value: new Uint8Array([1, 2, 3]) }]);
    expectBytes(await driver.get('bytes'), new Uint8Array([1, 2, 3]));
  });

  it("rejects open() with 'unavailable' when no requested backend exists", async () => {
    const driver = localforageDriver({ name: `${run}-none`, driver: 'noSuchDriver' });
    const err = await expectStowageError(driver.open(), 'unavailable');
    expect(err.message).toMatch(/No available storage method/);
  });

  it("reports data it did not write as 'decode-failed', not as a value", async () => {
    const driver = await fresh(localforage.INDEXEDDB);
    await made[0]!.setItem('foreign', 'raw string');
    await expectStowageError(driver.get('foreign'), 'decode-failed');
  });

  it('as documented, a failure mid-batch keeps the ops before it and skips the rest', async () => {
    const driver = await fresh(localforage.LOCALSTORAGE);
    const err = await expectStowageError(
      driver.batch([
        { type: 'put', key: 'a', value: 1 },
        { type: 'put', key: 'big', value: 'x'.repeat(6_000_000) },
        { type: 'put', key: 'c', value: 3 },
      ]),
      'quota-exceeded',
    );
    expect(err.details).toMatchObject({ applied: 1, key: 'big' });
    expect(await driver.entries('')).toEqual([['a', 1]]);
  });
});
