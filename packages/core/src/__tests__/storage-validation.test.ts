import { describe, expect, it } from 'vitest';
import { createStorage, StowageError } from '@stowage/core';

const cyclic = (): unknown => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};
const deepCycle = (): unknown => {
  const arr: unknown[] = [];
  arr.push({ inner: arr });
  return { list: arr };
};
class Point {
  x = 1;
}

describe('bad input gets a typed error and leaves the store unchanged', () => {
  const badValues: [string, () => unknown, string][] = [
    ['undefined', () => undefined, 'undefined'],
    ['a function', () => () => 1, 'function'],
    ['a symbol', () => Symbol('s'), 'symbol'],
    ['a bigint', () => 10n, 'bigint'],
    ['NaN', () => NaN, 'non-finite-number'],
    ['Infinity inside', () => ({ a: [1, Infinity] }), 'non-finite-number'],
    ['a cyclic object', cyclic, 'cyclic'],
    ['a cycle through an array', deepCycle, 'cyclic'],
    ['a Map', () => new Map([[1, 2]]), 'unsupported-type'],
    ['a class instance', () => new Point(), 'unsupported-type'],
    ['a nested function', () => ({ cb: () => 1 }), 'function'],
    ['undefined in an array', () => [1, undefined], 'undefined'],
    ['a sparse array', () => [1, , 3], 'undefined'],
    ['an invalid Date', () => new Date('nope'), 'invalid-date'],
    ['symbol-keyed properties', () => ({ [Symbol('k')]: 1 }), 'symbol'],
  ];
  for (const [name, make, reason] of badValues) {
    it(`rejects ${name}`, async () => {
      const s = createStorage({ broadcast: false });
      await s.set('k', 'before');
      const err = await s.set('k', make()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StowageError);
      expect(err).toMatchObject({ code: 'invalid-argument', details: { key: 'k', reason } });
      expect(await s.get('k')).toBe('before');
    });
  }

  it('names the path of the offending part', async () => {
    const s = createStorage({ broadcast: false });
    // @ts-expect-error a function is refused by the types too; the run-time check is for untyped callers
    await expect(s.set('k', { a: { b: [0, { c: () => 1 }] } })).rejects.toMatchObject({ details: { path: '$.a.b[1].c' } });
  });

  it('shared (non-cyclic) references are fine', async () => {
    const s = createStorage({ broadcast: false });
    const shared = { x: 1 };
    await s.set('k', { a: shared, b: shared });
    expect(await s.get('k')).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  const badKeys: [string, unknown][] = [
    ['empty', ''],
    ['a number', 42],
    ['null', null],
    ['an object', {}],
    ['over the length limit', 'k'.repeat(1025)],
    ['containing NUL', 'a\u0000b'],
  ];
  for (const [name, key] of badKeys) {
    it(`rejects a key that is ${name} on every method`, async () => {
      const s = createStorage({ broadcast: false });
      for (const call of [() => s.set(key as string, 1), () => s.get(key as string), () => s.remove(key as string), () => s.has(key as string), () => s.getMany([key as string])]) {
        await expect(call()).rejects.toMatchObject({ code: 'invalid-argument' });
      }
      expect(await s.keys()).toEqual([]);
    });
  }

  it('accepts a key at exactly the length limit', async () => {
    const s = createStorage({ broadcast: false });
    await s.set('k'.repeat(1024), 1);
    expect(await s.get('k'.repeat(1024))).toBe(1);
  });

  it('rejects unknown and mistyped options', async () => {
    const s = createStorage({ broadcast: false });
    await expect(s.set('k', 1, { tll: 5 } as never)).rejects.toMatchObject({ code: 'invalid-argument', details: { option: 'tll' } });
    await expect(s.set('k', 1, { ttl: -1 })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(s.set('k', 1, { ttl: '5' as never })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(s.set('k', 1, { compress: 'yes' as never })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(s.batch([{ type: 'upsert', key: 'k' } as never])).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(s.setMany(null as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(() => createStorage({ prefx: 'x' } as never)).toThrow(StowageError);
    expect(() => createStorage({ prefix: 'a:b' })).toThrow(/prefix/);
    expect(() => createStorage({ prefix: '' })).toThrow(/prefix/);
    expect(() => createStorage({ limits: { maxValueBytes: 0 } })).toThrow(StowageError);
    expect(() => createStorage({ schemaVersion: 2, migrations: { 3: (v) => v } })).toThrow(/migrations\[3\]/);
    expect(await s.keys()).toEqual([]);
  });
});
