import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Driver } from '@stowage/core';
import { describeChecks } from './driver-conformance-checks.js';
import { describeOrdering, type Put } from './driver-conformance-ordering.js';
import { describeValuesRead } from './driver-conformance-values.js';
import { expectBytes, expectStowageError, sampleBytes, type DriverFactory } from './driver-test-helpers.js';

/**
 * Registers the Driver contract tests (vitest `describe/it`) against drivers made by
 * `makeDriver`. Each test gets a fresh driver, opened first and closed afterwards.
 *
 * @example
 * ```ts
 * describeDriverConformance('memoryDriver', () => memoryDriver());
 * ```
 */
export function describeDriverConformance(name: string, makeDriver: DriverFactory): void {
  describe(`Driver conformance: ${name}`, () => {
    let driver: Driver;
    beforeEach(async () => {
      driver = await makeDriver();
      await driver.open();
    });
    afterEach(async () => {
      await driver.close();
    });

    const put = (key: string, value: unknown) => driver.batch([{ type: 'put', key, value }]);
    const del = (key: string) => driver.batch([{ type: 'delete', key }]);

    describeBasics(() => driver, put, del);
    describeValues(() => driver, put);
    describeOrdering(() => driver, put);
    describeValuesRead(() => driver);
    describeChecks(() => driver, put);
    describeLifecycle(() => driver, put, makeDriver);
  });
}

function describeBasics(d: () => Driver, put: Put, del: (key: string) => Promise<void>): void {
  it('describes itself: name, scope and boolean capabilities', () => {
    expect(d().name).toMatch(/\S/);
    expect(d().scope).toMatch(/\S/);
    expect(typeof d().capabilities.persistent).toBe('boolean');
    expect(typeof d().capabilities.atomicBatch).toBe('boolean');
  });

  it('get of an absent key resolves undefined', async () => {
    expect(await d().get('missing')).toBeUndefined();
  });

  it('getMany aligns values with keys, undefined for absent ones, repeats allowed', async () => {
    await put('x', { n: 1 });
    await put('y', 'two');
    expect(await d().getMany([])).toEqual([]);
    expect(await d().getMany(['y', 'nope', 'x', 'y'])).toEqual(['two', undefined, { n: 1 }, 'two']);
  });

  it('put stores and overwrites', async () => {
    await put('k', { v: 1 });
    expect(await d().get('k')).toEqual({ v: 1 });
    await put('k', { w: 2 });
    expect(await d().get('k')).toEqual({ w: 2 });
    expect(await d().keys('')).toEqual(['k']);
  });

  it('delete removes a key; deleting an absent key is a no-op', async () => {
    await put('k', 1);
    await put('other', 2);
    await del('k');
    expect(await d().get('k')).toBeUndefined();
    await del('never-there');
    expect(await d().keys('')).toEqual(['other']);
  });

  it('batch applies ops in order: put then delete of one key leaves it absent', async () => {
    await d().batch([
      { type: 'put', key: 'k', value: 1 },
      { type: 'put', key: 'j', value: 2 },
      { type: 'delete', key: 'k' },
    ]);
    expect(await d().getMany(['k', 'j'])).toEqual([undefined, 2]);
  });

  it('batch applies ops in order: delete then put of one key leaves the new value', async () => {
    await put('k', 'old');
    await d().batch([
      { type: 'delete', key: 'k' },
      { type: 'put', key: 'k', value: 'new' },
      { type: 'put', key: 'k2', value: 'a' },
      { type: 'put', key: 'k2', value: 'b' },
    ]);
    expect(await d().getMany(['k', 'k2'])).toEqual(['new', 'b']);
  });

  it('an empty batch resolves and changes nothing', async () => {
    await put('k', 1);
    await d().batch([]);
    expect(await d().entries('')).toEqual([['k', 1]]);
  });

  it('a batch with an uncloneable value rejects with a StowageError (and writes nothing when atomic)', async () => {
    await put('keep', 'before');
    const bad = d().batch([
      { type: 'put', key: 'first', value: 1 },
      { type: 'put', key: 'keep', value: 'after' },
      { type: 'put', key: 'bad', value: { fn: () => 1 } },
      { type: 'put', key: 'last', value: 3 },
    ]);
    await expectStowageError(bad);
    expect(await d().get('bad')).toBeUndefined();
    expect(await d().get('last')).toBeUndefined();
    if (d().capabilities.atomicBatch) {
      expect(await d().entries('')).toEqual([['keep', 'before']]);
    }
  });
}

function describeValues(d: () => Driver, put: Put): void {
  it('Uint8Array values round-trip byte-exact', async () => {
    const bytes = sampleBytes(4096);
    await put('bin', bytes);
    await put('empty', new Uint8Array(0));
    // A view into a larger buffer: only its own bytes belong to the value.
    const big = sampleBytes(600);
    await put('view', big.subarray(300, 310));
    expectBytes(await d().get('bin'), bytes);
    expectBytes(await d().get('empty'), new Uint8Array(0));
    expectBytes(await d().get('view'), big.subarray(300, 310));
  });

  it('a 256 KiB Uint8Array round-trips byte-exact', async () => {
    const bytes = sampleBytes(256 * 1024);
    await put('large', bytes);
    expectBytes(await d().get('large'), bytes);
  });

  it('nested objects with Uint8Arrays round-trip exactly', async () => {
    const bytes = sampleBytes(300);
    const value = {
      s: 'text',
      unicode: '日本語 🎉 \u0000 \uffff',
      n: 1.5,
      neg: -3,
      max: Number.MAX_SAFE_INTEGER,
      t: true,
      f: false,
      nil: null,
      arr: [1, 'two', [3, [4]], { five: 5 }, null],
      deep: { a: { b: { c: { bytes, list: [bytes.subarray(0, 3)] } } } },
      emptyObj: {},
      emptyArr: [],
      $t: 'a key some encoders use as a tag',
    };
    await put('nested', value);
    const got = (await d().get('nested')) as typeof value;
    expect(got).toEqual(value);
    expect(Object.keys(got)).toEqual(Object.keys(value));
    expectBytes(got.deep.a.b.c.bytes, bytes);
    expectBytes(got.deep.a.b.c.list[0], bytes.subarray(0, 3));
  });

  it('top-level primitives round-trip, and a stored null is not an absent key', async () => {
    await d().batch([
      { type: 'put', key: 'str', value: 'hello' },
      { type: 'put', key: 'num', value: 42 },
      { type: 'put', key: 'zero', value: 0 },
      { type: 'put', key: 'bool', value: false },
      { type: 'put', key: 'empty', value: '' },
      { type: 'put', key: 'null', value: null },
      { type: 'put', key: 'arr', value: [1, 2] },
    ]);
    expect(await d().getMany(['str', 'num', 'zero', 'bool', 'empty', 'null', 'arr'])).toEqual([
      'hello', 42, 0, false, '', null, [1, 2],
    ]);
    expect(await d().get('null')).toBeNull();
    expect(await d().keys('')).toContain('null');
  });

  it('values are copies: mutating what was put or got never changes the store', async () => {
    const value = { list: [1, 2], bytes: new Uint8Array([1, 2, 3]) };
    await put('k', value);
    value.list.push(3);
    value.bytes[0] = 99;
    const got = (await d().get('k')) as typeof value;
    expect(got.list).toEqual([1, 2]);
    expectBytes(got.bytes, new Uint8Array([1, 2, 3]));
    got.list.push(4);
    got.bytes[1] = 77;
    const [again] = (await d().getMany(['k'])) as [typeof value];
    expect(again.list).toEqual([1, 2]);
    expectBytes(again.bytes, new Uint8Array([1, 2, 3]));
    const [[, fromEntries]] = (await d().entries('k')) as [[string, typeof value]];
    fromEntries.list.length = 0;
    expect(((await d().get('k')) as typeof value).list).toEqual([1, 2]);
  });
}

function describeLifecycle(d: () => Driver, put: Put, makeDriver: DriverFactory): void {
  it('open() is idempotent', async () => {
    await d().open();
    await Promise.all([d().open(), d().open()]);
    await put('k', 1);
    expect(await d().get('k')).toBe(1);
  });

  it('operations work without an explicit open()', async () => {
    const fresh = await makeDriver();
    try {
      await fresh.batch([{ type: 'put', key: 'k', value: 'v' }]);
      expect(await fresh.get('k')).toBe('v');
    } finally {
      await fresh.close();
    }
  });

  it("after close() every call rejects with StowageError 'closed'", async () => {
    await put('k', 1);
    await d().close();
    await d().close();
    await expectStowageError(d().get('k'), 'closed');
    await expectStowageError(d().getMany(['k']), 'closed');
    await expectStowageError(d().batch([{ type: 'put', key: 'k', value: 2 }]), 'closed');
    await expectStowageError(d().batch([]), 'closed');
    await expectStowageError(d().entries(''), 'closed');
    await expectStowageError(d().keys(''), 'closed');
    await expectStowageError(d().clear(''), 'closed');
    await expectStowageError(d().open(), 'closed');
  });
}
