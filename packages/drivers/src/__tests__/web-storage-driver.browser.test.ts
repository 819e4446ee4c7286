import { afterAll, describe, expect, it } from 'vitest';
import { describeDriverConformance, describeDriverInputValidation, expectStowageError } from '@stowage/test-utils';
import { webStorageDriver } from '../web-storage-driver.js';

// Files of one browser session share the origin's storage: every driver here gets its own key
// prefix under `family`, and we remove only those keys (never storage.clear()).
const family = `drivers-ws-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}:`;
let n = 0;

function removeOurs(storage: Storage): void {
  for (let i = storage.length - 1; i >= 0; i--) {
    const key = storage.key(i);
    if (key?.startsWith(family)) storage.removeItem(key);
  }
}

function fresh(storage: Storage) {
  // Drop what earlier tests left behind, so repeated large values never pile up to the quota.
  removeOurs(storage);
  return webStorageDriver({ storage, keyPrefix: `${family}${++n}:` });
}

afterAll(() => {
  removeOurs(localStorage);
  removeOurs(sessionStorage);
});

describeDriverConformance('webStorageDriver (Chromium localStorage)', () => fresh(localStorage));
describeDriverConformance('webStorageDriver (Chromium sessionStorage)', () => fresh(sessionStorage));
describeDriverInputValidation('webStorageDriver (Chromium localStorage)', () => fresh(localStorage));

describe('webStorageDriver (Chromium)', () => {
  it('is persistent over localStorage, not over sessionStorage', () => {
    expect(fresh(localStorage).capabilities).toEqual({ persistent: true, atomicBatch: true });
    expect(fresh(sessionStorage).capabilities).toEqual({ persistent: false, atomicBatch: true });
    expect(webStorageDriver().capabilities.persistent).toBe(true);
    expect(fresh(localStorage).scope).toMatch(/^web-storage:local\//);
    expect(fresh(sessionStorage).scope).toMatch(/^web-storage:session\//);
  });

  it('defaults to localStorage', async () => {
    const keyPrefix = `${family}default:`;
    const driver = webStorageDriver({ keyPrefix });
    await driver.batch([{ type: 'put', key: 'k', value: { b: new Uint8Array([1, 2]) } }]);
    expect(localStorage.getItem(`${keyPrefix}k`)).not.toBeNull();
    await driver.close();
  });
});

describe("webStorageDriver (Chromium): localStorage's real quota", () => {
  // Chromium allows about 5 M UTF-16 code units per origin; 6 M is always over.
  const huge = 'x'.repeat(6_000_000);
  const medium = () => 'y'.repeat(2_000_000);

  it("a batch whose big value overflows rejects 'quota-exceeded' and rolls back its earlier ops", async () => {
    const driver = fresh(localStorage);
    await driver.batch([
      { type: 'put', key: 'a', value: 'old a' },
      { type: 'put', key: 'gone', value: 'old gone' },
    ]);
    const err = await expectStowageError(
      driver.batch([
        { type: 'put', key: 'a', value: 'new a' },
        { type: 'delete', key: 'gone' },
        { type: 'put', key: 'new', value: { bytes: new Uint8Array([1, 2, 3]) } },
        { type: 'put', key: 'big', value: huge },
        { type: 'put', key: 'after', value: 1 },
      ]),
      'quota-exceeded',
    );
    expect((err.cause as DOMException).name).toBe('QuotaExceededError');
    expect(err.details).toMatchObject({ index: 3, key: 'big' });
    expect(await driver.entries('')).toEqual([
      ['a', 'old a'],
      ['gone', 'old gone'],
    ]);
  });

  it('rolls back large writes that did fit before the one that overflowed', async () => {
    const driver = fresh(localStorage);
    await driver.batch([{ type: 'put', key: 'm1', value: 'before' }]);
    const before = localStorage.length;
    await expectStowageError(
      driver.batch([
        { type: 'put', key: 'm1', value: medium() },
        { type: 'put', key: 'm2', value: medium() },
        { type: 'put', key: 'm3', value: medium() },
      ]),
      'quota-exceeded',
    );
    expect(localStorage.length).toBe(before);
    expect(await driver.entries('')).toEqual([['m1', 'before']]);
    // The space really is free again: a value of the same size fits now.
    await driver.batch([{ type: 'put', key: 'm2', value: medium() }]);
    expect(((await driver.get('m2')) as string).length).toBe(2_000_000);
  });
});
