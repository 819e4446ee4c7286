// A real QuotaExceededError from Chromium's IndexedDB, through the storage manager of @stowage/core.
// Own file: the quota override only takes effect after clearing the origin's IndexedDB data (see
// indexeddb-driver.browser.test.ts), which would wipe databases of other tests in the same file.
import { afterEach, describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { createStorage, StowageError } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';

/** Incompressible text: random CJK code points (Chromium compresses large IndexedDB values). */
function randomText(length: number): string {
  const units = new Uint16Array(length);
  for (let i = 0; i < units.length; i += 32768) crypto.getRandomValues(units.subarray(i, i + 32768));
  let s = '';
  for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...Array.from(units.subarray(i, i + 8192), (u) => 0x4e00 + (u % 0x5000)));
  return s;
}

async function setQuota(quotaSize?: number): Promise<void> {
  const origin = location.origin;
  await cdp().send('Storage.overrideQuotaForOrigin', quotaSize === undefined ? { origin } : { origin, quotaSize });
  await cdp().send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
}

describe('createStorage over IndexedDB: a real QuotaExceededError', () => {
  afterEach(() => setQuota());

  // See indexeddb-driver.browser.test.ts: the quota machinery can stall under load; one retry.
  it('maps to quota-exceeded with nothing of the write stored, and the storage keeps working', { retry: 1, timeout: 60_000 }, async () => {
    await setQuota(4 * 1024 * 1024);
    const s = createStorage({ driver: indexedDbDriver({ dbName: `quota-${Date.now()}` }), limits: { maxValueBytes: 8 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024 } });
    await s.set('before', 'kept');
    // Issued in one tick, so auto-batched into one transaction. The huge one (~4 MB) must fail with a
    // typed error. Chromium does not reclaim an aborted transaction's space at once (usage stays near
    // the quota for a while), so the small one's individual retry may hit the quota too: whatever
    // happens, every caller gets a typed answer and the store holds exactly what was acknowledged.
    const results = await Promise.allSettled([s.set('small', 1), s.set('huge', randomText(2 * 1024 * 1024))]);
    const [small, huge] = results;
    expect(huge?.status).toBe('rejected');
    const hugeErr = (huge as PromiseRejectedResult).reason as StowageError;
    expect(hugeErr).toBeInstanceOf(StowageError);
    expect(hugeErr.code).toBe('quota-exceeded');
    expect((hugeErr.cause as DOMException).name).toBe('QuotaExceededError');
    if (small?.status === 'rejected') expect(small.reason).toMatchObject({ code: 'quota-exceeded' });
    const acknowledged = small?.status === 'fulfilled' ? ['before', 'small'] : ['before'];
    expect(await s.keys()).toEqual(acknowledged);
    // An atomic batch over the quota writes nothing at all.
    const big = Array.from({ length: 10 }, (_, i) => [`big${i}`, randomText(256 * 1024)] as const); // ~5 MB
    await expect(s.setMany(big)).rejects.toMatchObject({ code: 'quota-exceeded' });
    expect(await s.keys()).toEqual(acknowledged);
    expect(await s.get('before')).toBe('kept');
    await s.close();
  });
});
