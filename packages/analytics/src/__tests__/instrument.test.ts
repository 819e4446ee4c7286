import { createStorage, memoryDriver, StowageError, addCommitHook, applyRecords, cleanExpired, exportCsv, exportData, getRecord, importData, inspect, listBackups, migrate, storageConfig, storageInfo } from '@stowage/core';
import type { StorageEvent } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { instrument } from '../index.js';
import { world } from './helpers.js';

describe('instrument() keeps the Storage contract', () => {
  it('exposes prefix and config of the wrapped storage', async () => {
    const w = world();
    const inner = w.storage('p1');
    const s = instrument(inner, w.analytics());
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
    // Whole-namespace functions act on the wrapped storage and are not timed operations of the wrapper.
    expect(a.getOperationHistory(1)[0]).toMatchObject({ op: 'keys', outcome: 'ok' });
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
    const ops = Object.keys(a.getStats().operations);
    expect(ops).toEqual(['get', 'set']); // the namespace functions are not the wrapper's operations
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
});
