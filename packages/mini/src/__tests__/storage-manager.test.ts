import { describe, expect, it } from 'vitest';
import { createStorage, StowageError } from '@stowage/core';
import { createStorageManager } from '../storage-manager.js';
import { fakeClock, spyDriver, stored, xorCodec } from './helpers.js';

const manager = (extra: Record<string, unknown> = {}) => {
  const clock = fakeClock();
  const driver = spyDriver();
  const m = createStorageManager({ driver, clock, broadcast: false, ...extra });
  return { m, clock, driver };
};

describe('createStorageManager (the seed surface)', () => {
  it('expire is in seconds: a value lives exactly that long', async () => {
    const { m, clock, driver } = manager();
    await m.set('session', { id: 1 }, { expire: 60 });
    expect((await stored(driver)).session!.expiresAt).toBe(clock.now() + 60_000);
    clock.advance(59_999);
    expect(await m.get('session')).toEqual({ id: 1 });
    expect(await m.has('session')).toBe(true);
    clock.advance(1);
    expect(await m.get('session')).toBeUndefined();
    expect(await m.has('session')).toBe(false);
  });

  it('expire 0 or absent never expires', async () => {
    const { m, clock } = manager();
    await m.set('a', 1, { expire: 0 });
    await m.set('b', 2);
    clock.advance(10 * 365 * 86_400_000);
    expect(await m.keys()).toEqual(['a', 'b']);
  });

  it('get returns the default for absent or expired keys, and falsy stored values as they are', async () => {
    const { m, clock } = manager();
    expect(await m.get('nope', 'dflt')).toBe('dflt');
    expect(await m.get('nope')).toBeUndefined();
    await m.set('zero', 0);
    expect(await m.get('zero', 5)).toBe(0);
    await m.set('t', 1, { expire: 1 });
    clock.advance(1_000);
    expect(await m.get('t', 'gone')).toBe('gone');
  });

  it('cleanExpired resolves to how many keys it deleted', async () => {
    const { m, clock, driver } = manager();
    await m.set('a', 1, { expire: 1 });
    await m.set('b', 2, { expire: 2 });
    await m.set('c', 3);
    clock.advance(1_500);
    expect(await m.cleanExpired()).toBe(1);
    expect(Object.keys(await stored(driver)).sort()).toEqual(['b', 'c']);
    clock.advance(1_000);
    expect(await m.cleanExpired()).toBe(1);
    expect(await m.cleanExpired()).toBe(0);
  });

  it('remove, keys, clear, getStorageInfo (KB)', async () => {
    const { m } = manager();
    await m.set('b', 'x'.repeat(5000));
    await m.set('a', 1);
    expect(await m.keys()).toEqual(['a', 'b']);
    const info = await m.getStorageInfo();
    expect(info).toEqual({ keys: ['a', 'b'], currentSize: 5, limitSize: 10240, usage: expect.any(Number) });
    expect(info.usage).toBeCloseTo(info.currentSize * 1024 / 10485760, 4);
    await m.remove('a');
    expect(await m.keys()).toEqual(['b']);
    await m.clear();
    expect(await m.keys()).toEqual([]);
  });

  it('encrypt and compress pass through', async () => {
    const { m, driver } = manager({ encryption: xorCodec() });
    await m.set('s', 'secret', { encrypt: true, compress: false });
    expect((await stored(driver)).s!.codecs).toEqual(['test-xor']);
    expect(await m.get('s')).toBe('secret');
  });

  it('batch applies set and remove ops atomically (seconds converted)', async () => {
    const { m, clock, driver } = manager();
    await m.set('old', 1);
    const before = driver.batches.length;
    await m.batch([
      { type: 'set', key: 'a', data: 1, options: { expire: 10 } },
      { type: 'set', key: 'b', data: [2] },
      { type: 'remove', key: 'old' },
    ]);
    expect(driver.batches.length - before).toBe(1);
    expect(await m.keys()).toEqual(['a', 'b']);
    clock.advance(10_000);
    expect(await m.keys()).toEqual(['b']);
  });

  it('a bad op fails the whole batch with its index, writing nothing', async () => {
    const { m, driver } = manager();
    await m.set('keep', 1);
    const snapshot = await stored(driver);
    for (const ops of [
      [{ type: 'set', key: 'a', data: 1 }, { type: 'set', key: 'b', data: () => 1 }],
      [{ type: 'set', key: 'a', data: 1 }, { type: 'set', key: 'b', data: 1, options: { expire: -1 } }],
      [{ type: 'set', key: 'a', data: 1 }, { type: 'rename', key: 'b' }],
      [{ type: 'remove', key: '' }],
    ]) {
      const err = await m.batch(ops as never).catch((e: unknown) => e as StowageError);
      expect(err).toBeInstanceOf(StowageError);
      expect((err as StowageError).code).toBe('invalid-argument');
      expect((err as StowageError).message).toMatch(/batch operation \d/);
    }
    await expect(m.batch('nope' as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await stored(driver)).toEqual(snapshot);
  });

  it('bad set input → invalid-argument / too-large, nothing written', async () => {
    const { m, driver } = manager();
    await expect(m.set('k', undefined)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(m.set('k', 1, { expire: 'soon' as never })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(m.set('k', 1, { ttl: 5 } as never)).rejects.toThrow(/unknown set option "ttl"/);
    await expect(m.set(42 as never, 1)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(m.set('k', 'x'.repeat(1024 * 1024))).rejects.toMatchObject({ code: 'too-large' });
    expect(await stored(driver)).toEqual({});
  });

  it('wraps an existing Storage and shares its data; close() leaves a given Storage open', async () => {
    const storage = createStorage({ driver: spyDriver(), prefix: 'mini', broadcast: false });
    const m = createStorageManager({ storage });
    await m.set('k', 'v');
    expect(await storage.get('k')).toBe('v');
    await m.close();
    expect(await storage.get('k')).toBe('v');
  });
});
