import { createStorage, memoryDriver, StowageError, addCommitHook, applyRecords, cleanExpired, exportCsv, exportData, getRecord, importData, inspect, listBackups, migrate, readRecords, reservedStore, storageConfig, storageInfo, syncPrefix } from '@stowage/core';
import type { StorageEvent } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { withMemoryCache } from '@stowage/cache';
import { instrument } from '../index.js';
import { world } from './helpers.js';

describe('instrument() keeps the Storage contract', () => {
  it('is the storage itself, with its prefix and config: a layer attached, no wrapper', async () => {
    const w = world();
    const inner = w.storage('p1');
    const s = instrument(inner, w.analytics());
    expect(s).toBe(inner);
    expect(s.prefix).toBe('p1');
    expect(storageConfig(s)).toBe(storageConfig(inner));
  });

  it('values come back intact, defaults apply only to misses, falsy values are hits', async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage(), a);
    const value = { nested: { list: [1, 'two', null, { deep: true }], n: -0.5 }, text: 'ünïcødé 😀' };
    await s.set('v', value);
    expect(await s.get('v')).toEqual(value);
    await s.set('zero', 0);
    await s.set('null', null);
    expect(await s.get('zero', 42)).toBe(0);
    expect(await s.get('null', 42)).toBeNull();
    expect(await s.get('absent', 42)).toBe(42);
    expect(a.getOperationHistory(3).map((e) => e.outcome)).toEqual(['miss', 'hit', 'hit']);
    await s.setMany(new Map([['m1', 1], ['m2', 2]]));
    expect(await s.getMany(['m1', 'm2'])).toEqual([1, 2]);
    expect(await s.keys()).toEqual(['m1', 'm2', 'null', 'v', 'zero']);
    expect((await inspect(s, 'v'))?.size).toBeGreaterThan(0);
    expect((await inspect(s)).map((e) => e.key)).toEqual(['m1', 'm2', 'null', 'v', 'zero']);
    expect((await storageInfo(s)).keys).toHaveLength(5);
    // Whole-namespace functions are operations of the storage too, timed by the same layer.
    expect(a.getOperationHistory(4).map((e) => [e.op, e.outcome])).toEqual([['info', 'ok'], ['inspect', 'ok'], ['inspect', 'ok'], ['keys', 'ok']]);
  });

  it("a sync engine's readRecords counts as reads of its keys; a reserved space's bookkeeping is no operation of the app", async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage('p2'), a);
    await s.set('a', 1);
    const before = a.getOperationHistory(100).length;
    const reads = a.getStats().reads;
    await readRecords(s, ['a', 'gone']);
    expect(a.getStats().reads - reads).toBe(2);
    expect(a.getOperationHistory(1).map((e) => e.op)).toEqual(['readRecords']);
    await reservedStore(s, syncPrefix('p2')).batch([{ type: 'put', key: `${syncPrefix('p2')}status`, value: {} }]);
    expect(a.getOperationHistory(100)).toHaveLength(before + 1);
  });

  it('errors pass through as the same typed StowageError', async () => {
    const w = world();
    const a = w.analytics();
    const inner = createStorage({ driver: memoryDriver(), prefix: 'lim', clock: w.clock, broadcast: false, limits: { maxValueBytes: 100, maxTotalBytes: 150 } });
    const s = instrument(inner, a);
    const tooLarge = await s.set('big', 'x'.repeat(500)).catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(StowageError);
    expect((tooLarge as StowageError).code).toBe('too-large');
    await s.set('k0', 'y'.repeat(60));
    await s.set('k1', 'y'.repeat(60));
    await expect(s.set('k2', 'y'.repeat(60))).rejects.toMatchObject({ code: 'quota-exceeded' });
    await expect(s.getMany('nope' as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(s.setMany(null as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(s.batch([null] as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(importData(s, '{not json')).rejects.toBeInstanceOf(StowageError);
    await s.close();
    await expect(s.get('k0')).rejects.toMatchObject({ code: 'closed' });
    expect(a.getStats().errors).toMatchObject({ 'too-large': 1, 'quota-exceeded': 1, closed: 1 });
  });

  it('backup, records, hooks and subscriptions go through to the same storage', async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage(), a);
    const events: StorageEvent['type'][] = [];
    const off = s.subscribe((e) => events.push(e.type));
    const hooked: string[] = [];
    const removeHook = addCommitHook(s, { ops: (changes) => (hooked.push(...changes.map((c) => c.key)), []) });
    await s.set('a', 1);
    const backup = await exportData(s);
    await s.set('a', 2);
    expect(await importData(s, backup)).toBe(1);
    expect(await s.get('a')).toBe(1);
    expect((await listBackups(s)).length).toBeGreaterThan(0);
    const rec = await getRecord(s, 'a');
    expect(rec?.value).toBe(1);
    expect(await applyRecords(s, [{ key: 'b', record: rec! }])).toEqual(['b']);
    expect(await s.get('b')).toBe(1);
    expect(await exportCsv(s)).toContain('a');
    expect(await migrate(s)).toBeGreaterThanOrEqual(0);
    expect(await cleanExpired(s)).toBe(0);
    removeHook();
    off();
    await s.set('c', 1);
    expect(events).toEqual(['set', 'set', 'set', 'import', 'set']);
    expect(hooked).toEqual(['a', 'a', 'a', 'b']);
    // The whole-namespace functions are timed operations of the storage, each under its name; a sync
    // engine's getRecord is a read of one key (a hit here), as get is.
    expect(Object.keys(a.getStats().operations)).toEqual(['applyRecords', 'cleanExpired', 'exportCsv', 'exportData', 'get', 'getRecord', 'importData', 'listBackups', 'migrate', 'set']);
    expect(a.getStats()).toMatchObject({ reads: 3, hits: 3, misses: 0 });
    expect(a.getOperationHistory().find((e) => e.op === 'getRecord')).toMatchObject({ key: 'a', outcome: 'hit' });
    // Writes from applyRecords arrive as sync ("remote") changes.
    expect(a.getStats().remoteWrites).toBe(1);
  });

  it('two instrument() layers or an extra attachStorage do not double-count', async () => {
    const w = world();
    const a = w.analytics();
    const inner = w.storage();
    const s = instrument(instrument(inner, a), a);
    a.attachStorage(s);
    a.attachStorage(inner);
    await s.set('k', 1);
    expect(a.getStats().writes).toBe(1);
  });

  it('reads a memory tier answers are counted once, as reads of the storage', async () => {
    const w = world();
    const a = w.analytics();
    const cached = withMemoryCache(w.storage(), { clock: w.clock });
    const s = instrument(cached, a);
    expect(s).toBe(cached);
    await s.setMany({ a: 1, b: 2 });
    expect(await s.get('a')).toBe(1); // from the storage, fills memory
    expect(await s.get('a')).toBe(1); // from memory
    expect(await s.has('a')).toBe(true); // from memory
    expect(await s.getMany(['a', 'b', 'zz'])).toEqual([1, 2, undefined]); // a from memory; b and zz from the storage
    expect(cached.memoryStats().hits).toBe(2); // the get and getMany's a (has looks without counting)
    expect(a.getStats()).toMatchObject({ reads: 6, hits: 5, misses: 1 });
    const gets = a.getOperationHistory().filter((e) => e.op === 'get');
    expect(gets.map((e) => [e.key, e.outcome])).toEqual([['a', 'hit'], ['a', 'hit']]);
  });

  it('background writes are operations; its own growth samples and persisted stats are not', async () => {
    const w = world();
    const stats = w.storage('analytics');
    const a = w.analytics({ storage: stats, growthInterval: 1000 });
    const s = instrument(w.storage(), a);
    instrument(stats, a); // the stats' own storage, instrumented too
    await s.set('short', 1, { ttl: 10 });
    await w.clock.advance(20);
    expect(await s.get('short')).toBeUndefined();
    await s.keys(); // queued after the background delete
    await w.clock.advance(3000); // growth samples and a persisted write of the stats
    const ops = a.getOperationHistory().map((e) => e.op);
    expect(ops).toContain('expire');
    expect(ops).not.toContain('info');
    expect(a.getOperationHistory().filter((e) => e.key === 'stats')).toEqual([]);
    expect(a.getStats().expirations).toBe(1);
  });

  it('refuses a storage no kernel made: there is nothing to attach a layer to', () => {
    const w = world();
    const inner = w.storage();
    const handMade = { prefix: 'x', get: (k: string) => inner.get(k), subscribe: (l: never) => inner.subscribe(l) };
    expect(() => instrument(handMade as never, w.analytics())).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
