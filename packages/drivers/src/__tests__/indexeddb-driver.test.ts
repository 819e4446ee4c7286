import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';
import { describeDriverConformance, describeDriverInputValidation, expectStowageError } from '@stowage/test-utils';
import { indexedDbDriver } from '../indexeddb-driver.js';

// One fake factory per test file, a fresh database name per driver: tests never see each other's data.
const factory = new IDBFactory();
let n = 0;
const fresh = (extra: Parameters<typeof indexedDbDriver>[0] = {}) =>
  indexedDbDriver({ dbName: `unit-${++n}`, indexedDB: factory, IDBKeyRange: FakeKeyRange, ...extra });

describeDriverConformance('indexedDbDriver (fake-indexeddb)', () => fresh());
describeDriverInputValidation('indexedDbDriver (fake-indexeddb)', () => fresh());

function openRaw(name: string, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = version === undefined ? factory.open(name) : factory.open(name, version);
    req.onupgradeneeded = () => upgrade?.(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

describe('indexedDbDriver (fake-indexeddb): opening', () => {
  it("rejects with 'unavailable' when there is no IndexedDB at all (Node has none)", async () => {
    expect(globalThis.indexedDB).toBeUndefined();
    const driver = indexedDbDriver({ dbName: 'none' });
    await expectStowageError(driver.open(), 'unavailable');
    await expectStowageError(driver.get('k'), 'unavailable');
  });

  it("rejects with 'unavailable' when the factory's open throws, keeping the cause", async () => {
    const throwing = {
      open() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const err = await expectStowageError(fresh({ indexedDB: throwing }).open(), 'unavailable');
    expect((err.cause as DOMException).name).toBe('SecurityError');
  });

  it("rejects with 'unavailable' when the open request errors", async () => {
    await openRaw('versioned', 5, (db) => db.createObjectStore('kv'));
    // Opening below the existing version is a real request error (VersionError).
    const lowVersion = { open: (name: string) => factory.open(name, 1) } as unknown as IDBFactory;
    const err = await expectStowageError(fresh({ dbName: 'versioned', indexedDB: lowVersion }).open(), 'unavailable');
    expect((err.cause as DOMException).name).toBe('VersionError');
  });

  it("rejects with 'unavailable' instead of hanging when the open stays blocked", async () => {
    // Another connection holds version 1 and ignores versionchange; our store is missing, so the
    // driver must upgrade, which stays blocked.
    const holder = await openRaw('held', 1, (db) => db.createObjectStore('other'));
    const driver = fresh({ dbName: 'held', openTimeoutMs: 100 });
    const err = await expectStowageError(driver.open(), 'unavailable');
    expect(err.message).toMatch(/blocked/);
    holder.close();
    // Once the blocker is gone the same driver opens: a failed open is not cached.
    await driver.open();
    await driver.batch([{ type: 'put', key: 'k', value: 1 }]);
    expect(await driver.get('k')).toBe(1);
    await driver.close();
  });

  it("rejects with 'unavailable' when the open request never answers", async () => {
    const silent = { open: () => ({}) } as unknown as IDBFactory;
    await expectStowageError(fresh({ indexedDB: silent, openTimeoutMs: 50 }).open(), 'unavailable');
  });

  it('adds its store to an existing database of other stores, keeping their data', async () => {
    const db = await openRaw('shared', 3, (d) => d.createObjectStore('first').put('kept', 'x'));
    db.close();
    const driver = fresh({ dbName: 'shared', storeName: 'second' });
    await driver.batch([{ type: 'put', key: 'k', value: 'v' }]);
    const other = fresh({ dbName: 'shared', storeName: 'first' });
    expect(await other.get('x')).toBe('kept');
    expect(await driver.get('k')).toBe('v');
    expect(driver.scope).toBe('indexeddb:shared/second');
    await Promise.all([driver.close(), other.close()]);
  });

  it('refuses bad options up front', () => {
    expect(() => indexedDbDriver({ dbName: '' })).toThrow(/dbName/);
    expect(() => indexedDbDriver({ durability: 'fast' as IDBTransactionDurability })).toThrow(/durability/);
    expect(() => indexedDbDriver({ openTimeoutMs: 0 })).toThrow(/openTimeoutMs/);
  });
});

describe('indexedDbDriver (fake-indexeddb): connection loss', () => {
  it('closes on versionchange so another connection can upgrade, then reopens', async () => {
    const driver = fresh({ dbName: 'upgraded' });
    await driver.batch([{ type: 'put', key: 'k', value: 'v' }]);
    const upgrader = await openRaw('upgraded', 2, (db) => db.createObjectStore('extra'));
    upgrader.close();
    expect(await driver.get('k')).toBe('v');
    await driver.close();
  });
});

describe('indexedDbDriver (fake-indexeddb): aborted opens', () => {
  /** A factory whose first `failures` opens fail the way Chromium's do while site data is cleared. */
  function abortingFactory(failures: number): { factory: IDBFactory; calls: () => number } {
    let calls = 0;
    const open = (name: string, version?: number): IDBOpenDBRequest => {
      if (++calls > failures) return version === undefined ? factory.open(name) : factory.open(name, version);
      const request = { error: null as DOMException | null, onerror: null as ((e: Event) => void) | null };
      setTimeout(() => {
        request.error = new DOMException('The connection was closed.', 'AbortError');
        request.onerror?.(new Event('error'));
      });
      return request as unknown as IDBOpenDBRequest;
    };
    return { factory: { open } as unknown as IDBFactory, calls: () => calls };
  }

  it('retries an open the browser aborted, and succeeds', async () => {
    const flaky = abortingFactory(2);
    const driver = fresh({ indexedDB: flaky.factory });
    await driver.batch([{ type: 'put', key: 'k', value: 1 }]);
    expect(await driver.get('k')).toBe(1);
    expect(flaky.calls()).toBe(3);
    await driver.close();
  });

  it("gives up after three aborted opens with 'unavailable'", async () => {
    const flaky = abortingFactory(3);
    const err = await expectStowageError(fresh({ indexedDB: flaky.factory }).open(), 'unavailable');
    expect((err.cause as DOMException).name).toBe('AbortError');
    expect(flaky.calls()).toBe(3);
  });
});
