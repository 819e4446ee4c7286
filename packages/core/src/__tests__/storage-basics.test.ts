import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, StowageError, inspect, storageInfo } from '@stowage/core';
import { dataKeys, rleCodec, spyDriver, xorCipher } from './helpers.js';

const make = (o: Parameters<typeof createStorage>[0] = {}) => createStorage({ broadcast: false, ...o });

describe('createStorage: basic operations', () => {
  it('round-trips JSON values and returns the default for absent keys', async () => {
    const s = make();
    const value = { name: 'Ada', tags: ['x', 'y'], n: 1.5, ok: true, nested: { deep: [null, { z: 'é😀' }] } };
    await s.set('user', value);
    expect(await s.get('user')).toEqual(value);
    expect(await s.get('missing')).toBeUndefined();
    expect(await s.get('missing', 42)).toBe(42);
    await s.set('zero', 0);
    expect(await s.get('zero', 42)).toBe(0);
  });

  it('stores a snapshot: mutating the value after set() does not change what is stored', async () => {
    const s = make();
    const v = { a: 1 };
    await s.set('k', v);
    v.a = 2;
    expect(await s.get('k')).toEqual({ a: 1 });
  });

  it('snapshots at call time: mutating the value in the same tick does not change what is written', async () => {
    const s = make();
    const v = { a: 1, list: [1] };
    const write = s.set('k', v);
    v.a = 2;
    v.list.push(2);
    await write;
    expect(await s.get('k')).toEqual({ a: 1, list: [1] });
  });

  it('normalizes like JSON: Dates become ISO strings, undefined properties are dropped', async () => {
    const s = make();
    await s.set('d', { at: new Date(0), gone: undefined });
    expect(await s.get('d')).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('remove, has, keys, getMany, setMany', async () => {
    const s = make();
    await s.setMany({ b: 2, a: 1, c: 3 });
    expect(await s.keys()).toEqual(['a', 'b', 'c']);
    expect(await s.getMany(['a', 'x', 'c'])).toEqual([1, undefined, 3]);
    await s.remove('b');
    expect(await s.has('b')).toBe(false);
    expect(await s.has('a')).toBe(true);
    await s.setMany([['d', 4], ['e', 5]]);
    expect(await s.keys()).toEqual(['a', 'c', 'd', 'e']);
  });

  it('clear() only clears its own prefix, even for prefixes that share a beginning', async () => {
    const driver = memoryDriver();
    const a = make({ driver, prefix: 'a' });
    const ab = make({ driver, prefix: 'ab' });
    await a.set('x', 1);
    await a.set('b:y', 2); // a key containing the separator must not collide with another prefix
    await ab.set('y', 3);
    await a.clear();
    expect(await a.keys()).toEqual([]);
    expect(await ab.get('y')).toBe(3);
    expect(await dataKeys(driver)).toEqual(['ab:y']);
  });

  it('keeps reserved and other-namespace keys out of keys() and info()', async () => {
    const driver = memoryDriver();
    const s = make({ driver, prefix: 'p' });
    await driver.batch([{ type: 'put', key: '\u0000meta/p/x', value: 1 }, { type: 'put', key: 'q:z', value: 1 }]);
    await s.set('k', 'v');
    expect(await s.keys()).toEqual(['k']);
    expect((await storageInfo(s)).keys).toEqual(['k']);
  });

  it('batch() applies sets and removes atomically in one transaction', async () => {
    const driver = spyDriver();
    const s = make({ driver });
    await s.set('old', 1);
    driver.batches.length = 0;
    await s.batch([
      { type: 'set', key: 'a', value: 1 },
      { type: 'remove', key: 'old' },
      { type: 'set', key: 'b', value: 2, options: { ttl: 1000 } },
    ]);
    expect(driver.batches).toHaveLength(1);
    expect(await s.keys()).toEqual(['a', 'b']);
  });

  it('a batch with one invalid op writes nothing and names the op', async () => {
    const s = make();
    await s.set('a', 1);
    const err = await s.batch([{ type: 'set', key: 'a', value: 2 }, { type: 'set', key: 'b', value: () => 1 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StowageError);
    expect((err as StowageError).code).toBe('invalid-argument');
    expect((err as StowageError).details.index).toBe(1);
    expect(await s.get('a')).toBe(1);
    expect(await s.has('b')).toBe(false);
  });

  it('inspect() reports sizes, codecs and times without decoding', async () => {
    const s = make({ compression: rleCodec, encryption: xorCipher(7), compressThreshold: 10 });
    await s.set('plain', 'x');
    await s.set('big', 'a'.repeat(500), { encrypt: true });
    const big = await inspect(s, 'big');
    expect(big?.codecs).toEqual(['rle', 'xor']);
    expect(big?.compressed).toBe(true);
    expect(big?.encrypted).toBe(true);
    expect(big?.rawSize).toBe(502);
    expect(big?.size).toBeLessThan(50);
    const all = await inspect(s);
    expect(all.map((e) => e.key)).toEqual(['big', 'plain']);
    expect(await inspect(s, 'nope')).toBeUndefined();
  });

  it('scan() returns every live entry with its decoded value and metadata, sorted; once the namespace is known all-v2, in one driver read', async () => {
    let t = 1000;
    const clock = { now: () => t, setTimeout: () => 0, clearTimeout: () => undefined };
    const inner = memoryDriver();
    const calls: string[] = [];
    const driver = new Proxy(inner, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (prop === 'get' || prop === 'getMany' || prop === 'entries' || prop === 'values') calls.push(String(prop));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const s = make({ driver, clock, compression: rleCodec, encryption: xorCipher(7), compressThreshold: 10 });
    await s.set('plain', { a: 1 });
    await s.set('big', 'a'.repeat(500), { encrypt: true });
    await s.set('short', 'gone soon', { ttl: 10 });
    t = 2000; // 'short' has expired
    calls.length = 0;
    const entries = await s.scan();
    // The first scan reads the format flag, finds none, reads keys and values, and sees only v2
    // rows: it writes the flag, so every later scan (this session or the next) reads values alone.
    expect(calls).toEqual(['get', 'entries']);
    expect(await driver.get('\u0000fmt/stowage/v2')).toBe(2);
    calls.length = 0;
    expect(await s.scan()).toEqual(entries);
    expect(calls).toEqual(['values']);
    calls.length = 0;
    expect(await make({ driver, clock, compression: rleCodec, encryption: xorCipher(7), compressThreshold: 10 }).scan()).toEqual(entries);
    expect(calls).toEqual(['get', 'values']); // a reload: the flag, then one read
    expect(entries.map((e) => e.key)).toEqual(['big', 'plain']);
    expect(entries[0]).toMatchObject({ key: 'big', value: 'a'.repeat(500), info: { encrypted: true, compressed: true, rawSize: 502 } });
    expect(entries[1]).toMatchObject({ key: 'plain', value: { a: 1 }, info: { encrypted: false, codecs: [] } });
    expect(entries.every((e) => e.error === undefined)).toBe(true);
    // A copy: changing what scan() returned changes nothing stored.
    (entries[1]?.value as { a: number }).a = 2;
    expect(await s.get('plain')).toEqual({ a: 1 });
  });

  it('scan() isolates a record it cannot decode: that entry carries the error, the others their values', async () => {
    const driver = memoryDriver();
    const writer = make({ driver, encryption: xorCipher(7) });
    await writer.setMany({ a: 1, c: 3 });
    await writer.set('b', 'secret', { encrypt: true });
    const reader = make({ driver }); // no 'xor' codec: 'b' cannot be read
    const entries = await reader.scan();
    expect(entries.map((e) => [e.key, e.value])).toEqual([['a', 1], ['b', undefined], ['c', 3]]);
    expect(entries[1]?.error).toBeInstanceOf(StowageError);
    expect(entries[1]?.error?.code).toBe('decode-failed');
  });

  it('scan() migrates old-schema records and adopts foreign values like get()', async () => {
    const driver = memoryDriver();
    await driver.open();
    await driver.batch([{ type: 'put', key: 'app:foreign', value: { legacy: true } }]);
    const v1 = make({ driver, prefix: 'app' });
    await v1.set('user', { name: 'ada' });
    const v2 = make({ driver, prefix: 'app', schemaVersion: 2, migrations: { 2: (v) => ({ ...(v as object), migrated: true }) } });
    const entries = await v2.scan();
    expect(entries.map((e) => [e.key, e.value])).toEqual([
      ['foreign', { legacy: true, migrated: true }],
      ['user', { name: 'ada', migrated: true }],
    ]);
    expect(entries.map((e) => e.info.schema)).toEqual([0, 1]);
  });

  it('after close() every call rejects with closed', async () => {
    const s = make();
    await s.set('a', 1);
    await s.close();
    await expect(s.set('a', 2)).rejects.toMatchObject({ code: 'closed' });
    await expect(s.get('a')).rejects.toMatchObject({ code: 'closed' });
  });

  it('preserves createdAt across overwrites and moves updatedAt', async () => {
    let t = 1000;
    const s = make({ clock: { now: () => t, setTimeout: () => 0, clearTimeout: () => undefined } });
    await s.set('k', 1);
    t = 2000;
    await s.set('k', 2);
    const e = await inspect(s, 'k');
    expect(e).toMatchObject({ createdAt: 1000, updatedAt: 2000 });
  });
});

