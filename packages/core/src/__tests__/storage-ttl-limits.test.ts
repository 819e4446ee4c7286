import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, StowageError, cleanExpired, inspect, storageInfo } from '@stowage/core';
import { fakeClock, spyDriver } from './helpers.js';

describe('TTL', () => {
  it('expired keys read as absent, are excluded from keys/has/info, and are deleted lazily', async () => {
    const clock = fakeClock();
    const driver = memoryDriver();
    const s = createStorage({ driver, clock, broadcast: false });
    await s.set('short', 1, { ttl: 1000 });
    await s.set('long', 2, { ttl: 10_000 });
    await s.set('forever', 3);
    clock.advance(999);
    expect(await s.get('short')).toBe(1);
    clock.advance(1);
    expect(await s.get('short')).toBeUndefined();
    expect(await s.get('short', 'dflt')).toBe('dflt');
    expect(await s.has('short')).toBe(false);
    expect(await s.keys()).toEqual(['forever', 'long']);
    expect((await storageInfo(s)).keys).toEqual(['forever', 'long']);
    expect(await s.getMany(['short', 'long'])).toEqual([undefined, 2]);
    await s.keys(); // waits for the lazy delete queued by the read
    expect(await driver.get('stowage:short')).toBeUndefined();
  });

  it('cleanExpired() sweeps and returns the count; a periodic sweep runs on the injected clock', async () => {
    const clock = fakeClock();
    const driver = memoryDriver();
    const s = createStorage({ driver, clock, broadcast: false, sweepInterval: 60_000 });
    await s.setMany({ a: 1, b: 2, c: 3 }, { ttl: 1000 });
    await s.set('d', 4);
    clock.advance(1000);
    expect(await cleanExpired(s)).toBe(3);
    expect(await cleanExpired(s)).toBe(0);
    await s.set('e', 5, { ttl: 30_000 });
    clock.advance(60_000); // the sweep timer fires
    await s.keys();
    await new Promise((r) => setTimeout(r, 0));
    expect(await driver.keys('stowage:')).toEqual(['stowage:d']);
    await s.close();
  });

  it('defaultTtl applies unless ttl: null; expiresAt is absolute', async () => {
    const clock = fakeClock(0);
    const s = createStorage({ clock, defaultTtl: 100, broadcast: false });
    await s.set('a', 1);
    await s.set('b', 1, { ttl: null });
    await s.set('c', 1, { expiresAt: 50 });
    expect((await inspect(s, 'a'))?.expiresAt).toBe(100);
    expect((await inspect(s, 'b'))?.expiresAt).toBeUndefined();
    clock.advance(60);
    expect(await s.keys()).toEqual(['a', 'b']);
  });

  it('an expired read never deletes a value rewritten in the meantime', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false });
    await s.set('k', 'old', { ttl: 10 });
    clock.advance(10);
    const read = s.get('k');
    const write = s.set('k', 'new');
    expect(await read).toBeUndefined();
    await write;
    await s.keys();
    expect(await s.get('k')).toBe('new');
  });
});

describe('limits', () => {
  it('a value over the per-key limit is too-large, before anything is written', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, broadcast: false, limits: { maxValueBytes: 100 } });
    await expect(s.set('k', 'x'.repeat(200))).rejects.toMatchObject({ code: 'too-large', details: { key: 'k', limit: 100 } });
    expect(driver.batches).toHaveLength(0);
  });

  it('the default per-key limit is 1 MB and the total 10 MB', async () => {
    const s = createStorage({ broadcast: false });
    await expect(s.set('k', 'x'.repeat(1024 * 1024))).rejects.toMatchObject({ code: 'too-large' });
    expect((await storageInfo(s)).limitSize).toBe(10240);
  });

  it('exceeding the total gives quota-exceeded and keeps what was there', async () => {
    const s = createStorage({ broadcast: false, limits: { maxTotalBytes: 1000 } });
    await s.set('a', 'x'.repeat(600));
    await expect(s.set('b', 'y'.repeat(600))).rejects.toMatchObject({ code: 'quota-exceeded' });
    expect(await s.keys()).toEqual(['a']);
    await s.set('a', 'z'.repeat(900)); // overwriting counts the difference, not the sum
    expect((await storageInfo(s)).currentSize).toBe(1);
  });

  it('on quota pressure, expired records are swept first and the write succeeds', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false, limits: { maxTotalBytes: 1000 } });
    await s.set('old', 'x'.repeat(600), { ttl: 10 });
    clock.advance(10);
    await s.set('new', 'y'.repeat(600));
    expect(await s.keys()).toEqual(['new']);
  });

  it('an atomic batch over the total writes nothing', async () => {
    const s = createStorage({ broadcast: false, limits: { maxTotalBytes: 1000 } });
    await expect(s.setMany({ a: 'x'.repeat(400), b: 'x'.repeat(400), c: 'x'.repeat(400) })).rejects.toMatchObject({ code: 'quota-exceeded' });
    expect(await s.keys()).toEqual([]);
  });

  it("a driver's QuotaExceededError maps to quota-exceeded after one sweep-and-retry, with nothing written", async () => {
    const clock = fakeClock();
    const driver = spyDriver();
    const s = createStorage({ driver, clock, broadcast: false });
    await s.set('stale', 1, { ttl: 5 });
    clock.advance(5);
    let attempts = 0;
    driver.failWhen = (ops) => (ops.some((o) => o.key === 'stowage:big') ? (attempts++, new DOMException('full', 'QuotaExceededError')) : undefined);
    const err = await s.set('big', 'v').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StowageError);
    expect((err as StowageError).code).toBe('quota-exceeded');
    expect(attempts).toBe(2); // first try, sweep of 'stale', one retry
    expect(await driver.get('stowage:stale')).toBeUndefined();
    expect(await s.has('big')).toBe(false);
  });

  it('info() reports KB, usage, persistence and the driver', async () => {
    const s = createStorage({ broadcast: false, limits: { maxTotalBytes: 10 * 1024 }, estimate: async () => ({ usage: 5, quota: 100 }) });
    await s.set('k', 'x'.repeat(2000));
    const info = await storageInfo(s);
    expect(info).toMatchObject({ keys: ['k'], currentSize: 2, limitSize: 10, persistent: false, driver: 'memory', estimate: { usage: 5, quota: 100 } });
    expect(info.usage).toBeCloseTo((2000 + 2 + 1) / 10240, 5);
  });
});
