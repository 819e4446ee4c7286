import { StowageError } from '@stowage/core';
import type { StowageErrorCode } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { instrument } from '../index.js';
import type { PagehideTarget } from '../index.js';
import { overriding, settle, world } from './helpers.js';

describe('persistence', () => {
  it('100 operations within one interval cause at most one persisted write, and none without changes', async () => {
    const w = world();
    const stats = w.storage('analytics');
    const writes = w.writesOf(stats);
    const a = w.analytics({ storage: stats });
    await a.ready();
    const s = instrument(w.storage(), a);
    for (let i = 0; i < 100; i++) await s.set(`k${i % 7}`, i);
    expect(writes).toHaveLength(0);
    await w.clock.advance(999);
    expect(writes).toHaveLength(0);
    await w.clock.advance(1);
    expect(writes).toHaveLength(1);
    await w.clock.advance(10_000);
    expect(writes).toHaveLength(1); // nothing changed since
    for (let i = 0; i < 100; i++) await s.get('k1');
    await w.clock.advance(1000);
    expect(writes).toHaveLength(2);
    await a.close();
  });

  it('never writes more than once per interval under continuous traffic', async () => {
    const w = world();
    const stats = w.storage('analytics');
    const writes = w.writesOf(stats);
    const a = w.analytics({ storage: stats, persistInterval: 1000 });
    const s = instrument(w.storage(), a);
    for (let t = 0; t < 10_000; t += 100) {
      await s.get('k');
      await w.clock.advance(100);
    }
    expect(writes.length).toBeGreaterThanOrEqual(9);
    expect(writes.length).toBeLessThanOrEqual(10);
    const times = writes.map((e) => (e.type === 'set' ? e.updatedAt : 0));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('a new instance ("reload") restores counters, latencies, hot keys and growth, then adds to them', async () => {
    const w = world();
    const a1 = w.analytics({ storage: w.storage('analytics') });
    const s1 = instrument(w.storage(), a1);
    await s1.set('a', 1);
    for (let i = 0; i < 3; i++) await s1.get('a');
    await s1.get('missing');
    await expect(s1.set('', 1)).rejects.toBeInstanceOf(StowageError);
    await w.clock.advance(1000);
    const before = a1.getStats();
    const hotBefore = a1.analyzeHotData();
    // Reload: nothing closed or flushed on purpose beyond the throttled write.
    const a2 = w.analytics({ storage: w.storage('analytics') });
    expect(a2.getStats().reads).toBe(0);
    await a2.ready();
    expect(a2.getStats()).toEqual({ ...before });
    expect(a2.analyzeHotData()).toEqual(hotBefore);
    expect(a2.getGrowth()).toEqual(a1.getGrowth());
    const s2 = instrument(w.storage('app'), a2);
    await s2.get('a');
    expect(a2.getStats()).toMatchObject({ reads: 5, hits: 4, writes: 1, errors: { 'invalid-argument': 1 } });
    expect(a2.analyzeHotData().keys[0]).toMatchObject({ key: 'a', accesses: 5 });
    // The log is this session's only.
    expect(a2.getOperationHistory().map((e) => e.op)).toEqual(['get']);
  });

  it('two tabs sharing the persisted key add their counts instead of overwriting each other', async () => {
    const w = world();
    const tab1 = w.analytics({ storage: w.storage('analytics') });
    const tab2 = w.analytics({ storage: w.storage('analytics') });
    await Promise.all([tab1.ready(), tab2.ready()]);
    const s1 = instrument(w.storage(), tab1);
    const s2 = instrument(w.storage(), tab2);
    for (let i = 0; i < 3; i++) await s1.get('x');
    for (let i = 0; i < 4; i++) await s2.get('x');
    await w.clock.advance(1000);
    await s1.get('x');
    await tab1.flush();
    const fresh = w.analytics({ storage: w.storage('analytics') });
    await fresh.ready();
    expect(fresh.getStats().reads).toBe(8);
    expect(fresh.analyzeHotData().keys[0]).toMatchObject({ key: 'x', reads: 8 });
    // Each tab's own view includes the others' counts as of its last write.
    expect(tab1.getStats().reads).toBe(8);
  });

  it('flushes on pagehide, and stops listening on close()', async () => {
    const w = world();
    const stats = w.storage('analytics');
    const writes = w.writesOf(stats);
    const listeners = new Set<() => void>();
    const target: PagehideTarget = {
      addEventListener: (_t, l) => void listeners.add(l),
      removeEventListener: (_t, l) => void listeners.delete(l),
    };
    const a = w.analytics({ storage: stats, pagehideTarget: target });
    const s = instrument(w.storage(), a);
    await s.set('k', 1);
    expect(listeners.size).toBe(1);
    for (const l of listeners) l();
    await settle();
    expect(writes).toHaveLength(1);
    // The throttle timer that was armed before the flush no longer writes (nothing changed).
    await w.clock.advance(5000);
    expect(writes).toHaveLength(1);
    await a.close();
    expect(listeners.size).toBe(0);
  });

  it('close() writes what is pending; later operations are ignored', async () => {
    const w = world();
    const stats = w.storage('analytics');
    const writes = w.writesOf(stats);
    const a = w.analytics({ storage: stats });
    const s = instrument(w.storage(), a);
    await s.set('k', 1);
    await a.close();
    expect(writes).toHaveLength(1);
    await s.get('k');
    expect(a.getStats().reads).toBe(0);
    expect(await s.get('k')).toBe(1);
    expect(w.clock.timers()).toEqual([]);
  });

  it('resetStats() replaces the persisted stats (a reload starts from zero)', async () => {
    const w = world();
    const a = w.analytics({ storage: w.storage('analytics') });
    const s = instrument(w.storage(), a);
    await s.get('k');
    await a.flush();
    a.resetStats();
    await s.get('k');
    await a.flush();
    const b = w.analytics({ storage: w.storage('analytics') });
    await b.ready();
    expect(b.getStats().reads).toBe(1);
  });

  it('a failed write keeps the counts and writes them with the next one; the error is reported', async () => {
    const w = world();
    const stats = w.storage('analytics');
    const errors: StowageErrorCode[] = [];
    let fail = true;
    const flaky = overriding(stats, { set: (k: string, v: unknown) => (fail ? Promise.reject(new StowageError('quota-exceeded', 'full')) : stats.set(k, v)) });
    const a = w.analytics({ storage: flaky, onError: (e) => errors.push(e.code) });
    const s = instrument(w.storage(), a);
    await s.get('a');
    await w.clock.advance(1000);
    expect(errors).toEqual(['quota-exceeded']);
    fail = false;
    await s.get('b');
    await w.clock.advance(1000);
    const b = w.analytics({ storage: stats });
    await b.ready();
    expect(b.getStats().reads).toBe(2);
  });

  it('unreadable persisted stats are reported as decode-failed and replaced', async () => {
    const w = world();
    const stats = w.storage('analytics');
    await stats.set('stats', { format: 'stowage-analytics', version: 1, counters: 'garbage' });
    const errors: StowageError[] = [];
    const a = w.analytics({ storage: stats, onError: (e) => errors.push(e) });
    await a.ready();
    expect(errors.map((e) => e.code)).toEqual(['decode-failed']);
    expect(a.getStats().reads).toBe(0);
    a.record({ op: 'x', durationMs: 1, outcome: 'hit' });
    await a.flush();
    const b = w.analytics({ storage: stats });
    await b.ready();
    expect(b.getStats().reads).toBe(1);
  });

  it('ready() rejects with the storage error when the stats cannot be read', async () => {
    const w = world();
    const stats = w.storage('analytics');
    const broken = overriding(stats, { get: () => Promise.reject(new StowageError('unavailable', 'blocked')) });
    const a = w.analytics({ storage: broken });
    await expect(a.ready()).rejects.toMatchObject({ code: 'unavailable' });
    a.record({ op: 'x', durationMs: 1 });
    expect(a.getStats().operations.x?.count).toBe(1);
  });

  it('its own persisted writes are not counted when the stats live in an attached storage', async () => {
    const w = world();
    const shared = w.storage('app');
    const a = w.analytics({ storage: shared });
    const s = instrument(shared, a);
    await s.set('k', 1);
    await w.clock.advance(1000);
    await w.clock.advance(5000);
    expect(a.getStats().writes).toBe(1);
    expect(w.clock.timers().filter((t) => t < w.clock.now() + 2000)).toEqual([]);
  });
});
