// Each core layer over a bare kernel: what it adds, with nothing else composed.
import { describe, expect, it } from 'vitest';
import {
  addCommitHook, broadcastLayer, cleanExpired, codecsLayer, createKernel, expiryLayer, hooksLayer, indexLayer, limitsLayer, memoryDriver,
  migrationsLayer, recordOf, RESERVED, storageConfig, storageInfo,
} from '@stowage/core';
import type { StorageEvent } from '@stowage/core';
import { broadcastHub, fakeClock, rleCodec, spyDriver, xorCipher } from './helpers.js';

describe('core layers, one at a time over createKernel', () => {
  it('expiry: ttl and defaultTtl, lazy deletion of what a read finds expired, sweeps without an index', async () => {
    const clock = fakeClock();
    const driver = memoryDriver();
    const kv = createKernel({ driver, clock, layers: [expiryLayer({ defaultTtl: 100 })] });
    await kv.set('short', 1, { ttl: 10 });
    await kv.set('default', 2);
    await kv.set('forever', 3, { ttl: null });
    clock.advance(10);
    expect(await kv.get('short')).toBeUndefined();
    await kv.keys(); // after the background delete the read queued
    expect(await driver.get('stowage:short')).toBeUndefined();
    clock.advance(90);
    expect(await cleanExpired(kv)).toBe(1);
    expect(await kv.keys()).toEqual(['forever']);
    await expect(kv.set('k', 1, { ttl: -1 })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('codecs: compress and encrypt on the way in, decode on the way out; a wrong key is decrypt-failed', async () => {
    const driver = memoryDriver();
    const layers = (key: number) => [codecsLayer({ compression: rleCodec, encryption: xorCipher(key), compressThreshold: 1 })];
    const kv = createKernel({ driver, layers: layers(7) });
    await kv.set('secret', 'aaaaaaaaaaaa', { encrypt: true });
    const stored = recordOf('secret', await driver.get('stowage:secret'));
    expect(stored.codecs).toEqual(['rle', 'xor']);
    expect(stored.value).toBeUndefined();
    expect(await kv.get('secret')).toBe('aaaaaaaaaaaa');
    const other = createKernel({ driver, layers: layers(9) });
    await expect(other.get('secret')).rejects.toMatchObject({ code: 'decrypt-failed' });
    expect(storageConfig(kv)).toMatchObject({ encryption: true, compression: true, schemaVersion: 1 });
  });

  it('limits with the index: per-key and total limits, expired records swept to make room', async () => {
    const clock = fakeClock();
    const index = indexLayer();
    const kv = createKernel({ driver: memoryDriver(), clock, layers: [index, expiryLayer({ index }), limitsLayer({ index, maxValueBytes: 100, maxTotalBytes: 200 })] });
    await expect(kv.set('big', 'x'.repeat(200))).rejects.toMatchObject({ code: 'too-large' });
    await kv.set('old', 'x'.repeat(80), { ttl: 5 });
    await kv.set('a', 'x'.repeat(80));
    await expect(kv.set('b', 'x'.repeat(80))).rejects.toMatchObject({ code: 'quota-exceeded' });
    clock.advance(5);
    await kv.set('b', 'x'.repeat(80)); // 'old' expired: deleted in the same transaction
    expect(await kv.keys()).toEqual(['a', 'b']);
    expect((await storageInfo(kv)).limitSize).toBe(0); // 200 bytes: 0 whole KB
  });

  it('migrations: an older record is upgraded on read and written back', async () => {
    const driver = memoryDriver();
    await createKernel({ driver, layers: [migrationsLayer({ schemaVersion: 1 })] }).set('doc', { title: 'x' });
    const v2 = createKernel({ driver, layers: [migrationsLayer({ schemaVersion: 2, migrations: { 2: (v) => ({ ...(v as object), tags: [] }) } })] });
    expect(await v2.get('doc')).toEqual({ title: 'x', tags: [] });
    await v2.keys(); // the write-back is queued behind the read
    expect(await driver.get('stowage:doc')).toMatchObject({ s: 2, value: { title: 'x', tags: [] } });
  });

  it('hooks: a hook writes in the same driver batch as the data; without the layer, addCommitHook refuses', async () => {
    const driver = spyDriver();
    const kv = createKernel({ driver, layers: [hooksLayer()] });
    const committed: string[] = [];
    addCommitHook(kv, {
      ops: (changes) => changes.map((c) => ({ type: 'put', key: `${RESERVED}log/${c.key}`, value: c.type })),
      committed: (changes) => committed.push(...changes.map((c) => c.key)),
    });
    await kv.set('a', 1);
    expect(driver.batches.at(-1)?.map((op) => op.key)).toEqual(['stowage:a', `${RESERVED}log/a`]);
    expect(committed).toEqual(['a']);
    expect(() => addCommitHook(createKernel({ driver: memoryDriver() }), { ops: () => [] })).toThrow(/hooks layer/);
  });

  it('broadcast: another kernel on the same store hears changes as remote events', async () => {
    const hub = broadcastHub();
    const driver = memoryDriver({ name: 'shared' });
    const a = createKernel({ driver, layers: [broadcastLayer(hub)] });
    const b = createKernel({ driver, layers: [broadcastLayer(hub)] });
    const events: StorageEvent[] = [];
    b.subscribe((e) => events.push(e));
    await a.set('k', 1);
    await a.clear();
    expect(events.map((e) => [e.type, 'source' in e ? e.source : undefined])).toEqual([['set', 'remote'], ['clear', 'remote']]);
  });
});
