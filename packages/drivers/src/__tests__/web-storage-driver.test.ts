import { describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import { describeDriverConformance, describeDriverInputValidation, expectStowageError } from '@stowage/test-utils';
import { webStorageDriver } from '../web-storage-driver.js';

const storage = () => new Window().localStorage;

describeDriverConformance('webStorageDriver (happy-dom localStorage)', () => webStorageDriver({ storage: storage() }));
describeDriverInputValidation('webStorageDriver (happy-dom localStorage)', () => webStorageDriver({ storage: storage() }));

describe('webStorageDriver (happy-dom)', () => {
  it('only reads and touches keys under its keyPrefix', async () => {
    const s = storage();
    s.setItem('foreign', 'x');
    s.setItem('app:', 'not json at all');
    const driver = webStorageDriver({ storage: s, keyPrefix: 'app:' });
    await driver.batch([{ type: 'put', key: 'k', value: 1 }]);
    const other = webStorageDriver({ storage: s, keyPrefix: 'other:' });
    await other.batch([{ type: 'put', key: 'k', value: 2 }]);
    expect(await other.keys('')).toEqual(['k']);
    await other.clear('');
    expect(s.getItem('foreign')).toBe('x');
    expect(s.getItem('app:k')).toBe('1');
    expect(await driver.get('k')).toBe(1);
  });

  it("reports a corrupt stored value as 'decode-failed', not as absent", async () => {
    const s = storage();
    s.setItem('stowage:broken', '{not json');
    s.setItem('stowage:badtag', '{"$t":"u8","v":"%%%"}');
    const driver = webStorageDriver({ storage: s });
    await expectStowageError(driver.get('broken'), 'decode-failed');
    await expectStowageError(driver.get('badtag'), 'decode-failed');
  });

  it('refuses values JSON cannot hold exactly, writing nothing of the batch', async () => {
    const driver = webStorageDriver({ storage: storage() });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [new Map([[1, 2]]), cyclic, { f: () => 1 }, new Uint16Array(2), Symbol('s')]) {
      await expectStowageError(
        driver.batch([{ type: 'put', key: 'ok', value: 1 }, { type: 'put', key: 'bad', value }]),
        'invalid-argument',
      );
    }
    expect(await driver.keys('')).toEqual([]);
  });

  it('keeps undefined, -0, NaN, Infinity, Date and bigint that plain JSON would lose', async () => {
    const driver = webStorageDriver({ storage: storage() });
    const value = { u: undefined, z: -0, nan: Number.NaN, inf: -Infinity, d: new Date(1700000000000), big: 2n ** 70n, sparse: [1, , 3] };
    await driver.batch([{ type: 'put', key: 'k', value }]);
    const got = (await driver.get('k')) as typeof value;
    expect(Object.keys(got)).toEqual(Object.keys(value));
    expect(Object.is(got.z, -0)).toBe(true);
    expect(got.nan).toBeNaN();
    expect(got.inf).toBe(-Infinity);
    expect(got.d).toBeInstanceOf(Date);
    expect(got.d.getTime()).toBe(1700000000000);
    expect(got.big).toBe(2n ** 70n);
    expect(got.sparse).toEqual([1, undefined, 3]);
  });

  it('is persistent unless told otherwise or given sessionStorage', () => {
    expect(webStorageDriver({ storage: storage() }).capabilities).toEqual({ persistent: true, atomicBatch: true });
    expect(webStorageDriver({ storage: storage(), persistent: false }).capabilities.persistent).toBe(false);
  });

  it("rejects with 'unavailable' when there is no Web Storage (Node has no localStorage)", async () => {
    expect(typeof globalThis.localStorage === 'undefined' || globalThis.localStorage === null).toBe(true);
    const err = await expectStowageError(webStorageDriver().open(), 'unavailable');
    expect(err.message).toMatch(/Web Storage/);
  });

  it("rejects with 'unavailable' when the storage throws SecurityError on access", async () => {
    const blocked = {
      get length(): number {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    } as unknown as Storage;
    await expectStowageError(webStorageDriver({ storage: blocked }).open(), 'unavailable');
  });
});
