// checkHealth: each probe says what failed; the probe leaves nothing an app could see.
import { describe, expect, it } from 'vitest';
import { checkHealth, createKernel, createStowageStorage, memoryDriver, StowageError } from '@stowage/core';
import type { Driver, StowageStorageEvent } from '@stowage/core';
import { spyDriver } from './helpers.js';

/** A memory driver that says it persists (as IndexedDB does), with `get` replaced. */
const persistentMemory = (get: Driver['get']): Driver => {
  const inner = memoryDriver();
  return { name: 'memory', scope: inner.scope, capabilities: { persistent: true, atomicBatch: true }, open: () => inner.open(), get, getMany: (k) => inner.getMany(k), batch: (o) => inner.batch(o), entries: (p, o) => inner.entries(p, o), keys: (p) => inner.keys(p), clear: (p) => inner.clear(p), close: () => inner.close() };
};

describe('checkHealth', () => {
  it('a working persistent store is ok; the probe touches no app key and emits no event', async () => {
    const driver = spyDriver(memoryDriver());
    Object.defineProperty(driver, 'capabilities', { value: { persistent: true, atomicBatch: true } }); // as IndexedDB
    const storage = createStowageStorage({ driver, estimate: async () => ({ usage: 25, quota: 100 }) });
    const events: StowageStorageEvent[] = [];
    storage.subscribe((e) => events.push(e));
    const health = await checkHealth(storage, { persisted: async () => true });
    expect(health).toMatchObject({ ok: true, driver: 'memory', persistent: true, persisted: true, open: { ok: true }, readWrite: { ok: true }, quota: { usage: 25, quota: 100, ratio: 0.25 } });
    expect(driver.batches.flat().every((op) => op.key.startsWith('\u0000health/stowage/'))).toBe(true);
    expect(await driver.keys('')).toEqual([]);
    expect(events).toEqual([]);
  });

  it('a store that returns something else than was written fails readWrite with a typed error', async () => {
    const lying = persistentMemory(async () => ({ at: 0 }));
    const health = await checkHealth(createKernel({ driver: lying }));
    expect(health.ok).toBe(false);
    expect(health.readWrite.ok).toBe(false);
    expect(health.readWrite.error).toBeInstanceOf(StowageError);
  });

  it('a driver that cannot open fails open (and readWrite); after a fallback to memory it is not persistent', async () => {
    const broken = Object.assign(Object.create(memoryDriver()) as Driver, { name: 'broken', open: () => Promise.reject(new StowageError('unavailable', 'blocked')) });
    const failed = await checkHealth(createKernel({ driver: broken }), { estimate: async () => undefined, persisted: async () => undefined });
    expect(failed).toMatchObject({ ok: false, open: { ok: false, error: { code: 'unavailable' } }, readWrite: { ok: false } });
    expect(failed.quota).toBeUndefined();
    const fellBack = await checkHealth(createKernel({ driver: broken, fallback: memoryDriver() }));
    expect(fellBack).toMatchObject({ ok: false, driver: 'memory', persistent: false, open: { ok: true }, readWrite: { ok: true } });
  });

  it('a closed storage is reported, not thrown', async () => {
    const storage = createKernel({ driver: memoryDriver() });
    await storage.close();
    expect((await checkHealth(storage)).open.error?.code).toBe('closed');
  });
});
