import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, StowageError, storageInfo } from '@stowage/core';
import type { Codec, Driver } from '@stowage/core';
import { spyDriver } from './helpers.js';

describe('auto-batching', () => {
  it('concurrent set/remove calls issued in one tick share one transaction', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, broadcast: false });
    await Promise.all(Array.from({ length: 100 }, (_, i) => s.set(`k${i}`, i)));
    expect(driver.batches).toHaveLength(1);
    expect(driver.batches[0]).toHaveLength(100);
    driver.batches.length = 0;
    await Promise.all([s.remove('k1'), s.set('k2', 'two'), s.remove('k3')]);
    expect(driver.batches).toHaveLength(1);
    expect(await s.getMany(['k1', 'k2', 'k3'])).toEqual([undefined, 'two', undefined]);
  });

  it('writes land in call order even when a slower encoding comes first', async () => {
    const slow: Codec = { id: 'slow', kind: 'encryption', encode: async (b) => (await new Promise((r) => setTimeout(r, 20)), b), decode: (b) => b };
    const s = createStorage({ broadcast: false, encryption: slow });
    const a = s.set('k', 'first (slow)', { encrypt: true });
    const b = s.set('k', 'second (fast)');
    await Promise.all([a, b]);
    expect(await s.get('k')).toBe('second (fast)');
  });

  it('each caller gets its own error: one bad encoding fails only its own call', async () => {
    const picky: Codec = {
      id: 'picky', kind: 'encryption',
      encode: (b) => { if (new TextDecoder().decode(b).includes('boom')) throw new Error('cannot'); return b; },
      decode: (b) => b,
    };
    const driver = spyDriver();
    const s = createStorage({ driver, broadcast: false, encryption: picky, encryptAll: true });
    const results = await Promise.allSettled([s.set('a', 'ok'), s.set('b', 'boom'), s.set('c', 'ok')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'internal', details: { key: 'b' } });
    expect(driver.batches).toHaveLength(1);
    expect(await s.keys()).toEqual(['a', 'c']);
  });

  it('a driver failure caused by one op is reported to that caller only', async () => {
    const driver = spyDriver();
    driver.failWhen = (ops) => (ops.some((o) => o.key === 'stowage:bad') ? new DOMException('cannot clone', 'DataCloneError') : undefined);
    const s = createStorage({ driver, broadcast: false });
    const results = await Promise.allSettled([s.set('a', 1), s.set('bad', 2), s.set('c', 3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StowageError);
    expect(await s.keys()).toEqual(['a', 'c']);
  });

  it('reads wait for writes issued before them (read-your-writes)', async () => {
    const s = createStorage({ broadcast: false });
    void s.set('k', 1);
    expect(await s.get('k')).toBe(1);
    void s.remove('k');
    expect(await s.has('k')).toBe(false);
    void s.set('j', 2);
    void s.clear();
    expect(await s.keys()).toEqual([]);
  });
});

describe('driver fallback', () => {
  it('an unavailable driver falls back to memory, says so, and keeps working', async () => {
    const broken: Driver = Object.assign(memoryDriver(), {
      name: 'indexeddb',
      capabilities: { persistent: true, atomicBatch: true },
      open: async () => {
        throw new StowageError('unavailable', 'IndexedDB is blocked');
      },
    });
    const s = createStorage({ driver: broken, broadcast: false });
    const events: unknown[] = [];
    s.subscribe((e) => events.push(e));
    await s.set('k', 1);
    expect(await s.get('k')).toBe(1);
    const info = await storageInfo(s);
    expect(info.persistent).toBe(false);
    expect(info.driver).toBe('memory');
    expect(events[0]).toMatchObject({ type: 'fallback', from: 'indexeddb', to: 'memory', error: { code: 'unavailable' } });
  });

  it('without fallback, an unavailable driver is a typed error', async () => {
    const broken: Driver = Object.assign(memoryDriver(), { open: async () => { throw new StowageError('unavailable', 'nope'); } });
    const s = createStorage({ driver: broken, broadcast: false, fallbackToMemory: false });
    await expect(s.set('k', 1)).rejects.toMatchObject({ code: 'unavailable' });
    await expect(s.get('k')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
