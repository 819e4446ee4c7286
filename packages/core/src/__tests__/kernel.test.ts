// The kernel alone: no layer, so only what the kernel itself promises.
import { describe, expect, it } from 'vitest';
import { contextOf, createKernel, ENVELOPE_VERSION, memoryDriver, recordOf, StowageError, V2_CODEC } from '@stowage/core';
import type { Driver, Layer, StorageEvent } from '@stowage/core';
import { fakeClock, spyDriver } from './helpers.js';

/** A driver that cannot open, as IndexedDB in some private modes. */
const failing = (): Driver =>
  Object.assign(Object.create(memoryDriver()) as Driver, {
    name: 'broken',
    scope: 'broken:x',
    open: () => Promise.reject(new StowageError('unavailable', 'no backend')),
  });

describe('createKernel without layers', () => {
  it('stores plain values in an envelope under prefix:key and reads them back', async () => {
    const driver = memoryDriver();
    const kv = createKernel({ driver, prefix: 'app' });
    await kv.set('user', { name: 'Ada' });
    expect(await kv.get('user')).toEqual({ name: 'Ada' });
    // The v2 row: its key, the value, the v1-named fields old code checks; defaults left out.
    const row = (await driver.get('app:user')) as Record<string, unknown>;
    expect(row).toEqual({ k: 'user', v: ENVELOPE_VERSION, codecs: [V2_CODEC], value: { name: 'Ada' }, updatedAt: row.updatedAt, size: 4 + 14 });
    expect(recordOf('user', row)).toMatchObject({ v: 2, s: 1, codecs: [], value: { name: 'Ada' }, createdAt: row.updatedAt, rawSize: 14 });
    expect(await kv.get('absent', 'fallback')).toBe('fallback');
    await kv.setMany({ b: 2, c: 3 });
    expect(await kv.getMany(['b', 'x', 'c'])).toEqual([2, undefined, 3]);
    expect(await kv.keys()).toEqual(['b', 'c', 'user']);
    expect((await kv.scan()).map((e) => [e.key, e.value])).toEqual([['b', 2], ['c', 3], ['user', { name: 'Ada' }]]);
    await kv.remove('b');
    expect(await kv.has('b')).toBe(false);
    await kv.clear();
    expect(await kv.keys()).toEqual([]);
  });

  it('writes of one tick go to the driver as one batch, with an answer per caller', async () => {
    const driver = spyDriver();
    const refuseBad: Layer = {
      name: 'refuse-bad',
      commit: async (c, next) => {
        if (c.changes.some((x) => x.key === 'bad')) throw new StowageError('invalid-argument', 'no bad keys here');
        return next();
      },
    };
    const kv = createKernel({ driver, layers: [refuseBad] });
    const results = await Promise.allSettled([kv.set('a', 1), kv.set('bad', 2), kv.set('c', 3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await kv.getMany(['a', 'bad', 'c'])).toEqual([1, undefined, 3]);
    await Promise.all([kv.set('d', 4), kv.set('e', 5)]);
    expect(driver.batches.at(-1)?.map((op) => op.key)).toEqual(['stowage:d', 'stowage:e']);
  });

  it('refuses set options no layer understands, and bad input, with invalid-argument', async () => {
    const kv = createKernel({ driver: memoryDriver() });
    await expect(kv.set('k', 1, { ttl: 5 })).rejects.toMatchObject({ code: 'invalid-argument', details: { option: 'ttl' } });
    await expect(kv.set('', 1)).rejects.toMatchObject({ code: 'invalid-argument' });
    // @ts-expect-error a function is refused by the types too; the run-time check is for untyped callers
    await expect(kv.set('k', () => 1)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(kv.batch([{ type: 'set', key: 'a', value: 1 }, { type: 'set', key: 'b', value: undefined }])).rejects.toMatchObject({ details: { index: 1 } });
    expect(await kv.keys()).toEqual([]);
  });

  it('reads an expired record as absent without the expiry layer (the envelope says so)', async () => {
    const clock = fakeClock();
    const driver = memoryDriver();
    await driver.batch([{ type: 'put', key: 'stowage:k', value: { v: 1, s: 1, codecs: [], value: 1, createdAt: 0, updatedAt: 0, size: 2, rawSize: 1, expiresAt: clock.now() - 1 } }]);
    const kv = createKernel({ driver, clock });
    expect(await kv.get('k')).toBeUndefined();
    expect(await kv.has('k')).toBe(false);
    expect(await kv.keys()).toEqual([]);
  });

  it('a record written with a codec it lacks is decode-failed, in scan as an entry error', async () => {
    const driver = memoryDriver();
    await driver.batch([{ type: 'put', key: 'stowage:k', value: { v: 1, s: 1, codecs: ['xor'], data: new Uint8Array([1]), createdAt: 0, updatedAt: 0, size: 2, rawSize: 1 } }]);
    const kv = createKernel({ driver });
    await expect(kv.get('k')).rejects.toMatchObject({ code: 'decode-failed', details: { reason: 'unknown-codec' } });
    expect((await kv.scan())[0]?.error?.code).toBe('decode-failed');
  });

  it('an unavailable driver rejects reads and writes unless a fallback is given', async () => {
    const kv = createKernel({ driver: failing() });
    await expect(kv.ready()).rejects.toMatchObject({ code: 'unavailable' });
    await expect(kv.set('k', 1)).rejects.toMatchObject({ code: 'unavailable' });
    const events: StorageEvent[] = [];
    const withFallback = createKernel({ driver: failing(), fallback: memoryDriver() });
    withFallback.subscribe((e) => events.push(e));
    await withFallback.set('k', 1);
    expect(await withFallback.get('k')).toBe(1);
    expect(events[0]).toMatchObject({ type: 'fallback', from: 'broken', to: 'memory' });
  });

  it('emits local change events, and closes: later calls reject with closed', async () => {
    const kv = createKernel({ driver: memoryDriver() });
    const events: string[] = [];
    kv.subscribe((e) => events.push(`${e.type}${'key' in e ? ` ${e.key}` : ''}`));
    await kv.set('a', 1);
    await kv.remove('a');
    await kv.clear();
    expect(events).toEqual(['set a', 'remove a', 'clear']);
    const pending = kv.set('late', 1);
    await kv.close();
    await pending; // a write issued before close() still commits
    await expect(kv.get('a')).rejects.toMatchObject({ code: 'closed' });
  });

  it('contextOf refuses what the kernel did not make', () => {
    expect(() => contextOf({})).toThrow(StowageError);
  });

  it('layers see their stages in order: check, prepare, commit around the batch, decode', async () => {
    const seen: string[] = [];
    const tracer = (name: string): Layer => ({
      name,
      check: () => void seen.push(`${name}.check`),
      prepare: () => void seen.push(`${name}.prepare`),
      commit: async (_c, next) => {
        seen.push(`${name}.commit>`);
        await next();
        seen.push(`${name}.commit<`);
      },
      needsDecode: () => true,
      decode: async (_k, _r, _raw, next) => {
        seen.push(`${name}.decode`);
        return next();
      },
    });
    const kv = createKernel({ driver: memoryDriver(), layers: [tracer('outer'), tracer('inner')] });
    await kv.set('k', 1);
    expect(await kv.get('k')).toBe(1);
    expect(seen).toEqual([
      'outer.check', 'inner.check', 'outer.prepare', 'inner.prepare',
      'outer.commit>', 'inner.commit>', 'inner.commit<', 'outer.commit<', 'outer.decode', 'inner.decode',
    ]);
  });
});
