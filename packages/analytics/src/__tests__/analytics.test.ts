import { isStowageError, StowageError } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { createAnalytics, instrument } from '../index.js';
import { scriptedTimer, world } from './helpers.js';

const expectCode = (fn: () => unknown, code: string): void => {
  try {
    fn();
  } catch (e) {
    expect(isStowageError(e)).toBe(true);
    expect((e as StowageError).code).toBe(code);
    return;
  }
  throw new Error(`expected a StowageError "${code}"`);
};

describe('counters through instrument()', () => {
  it('counts reads, hits, misses, writes (per key), deletes, clears, bytes and errors by code', async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage(), a);
    await s.set('a', 1);
    await s.setMany({ b: 2, c: 3 });
    await s.batch([{ type: 'set', key: 'd', value: 4 }, { type: 'remove', key: 'a' }]);
    expect(await s.get('b')).toBe(2);
    expect(await s.get('a')).toBeUndefined();
    expect(await s.get('zz', 'fallback')).toBe('fallback');
    expect(await s.getMany(['b', 'c', 'nope'])).toEqual([2, 3, undefined]);
    expect(await s.has('c')).toBe(true);
    await expect(s.set('', 1)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(s.get('x'.repeat(5000))).rejects.toMatchObject({ code: 'invalid-argument' });
    await s.clear();
    const st = a.getStats();
    expect(st).toMatchObject({ reads: 7, hits: 4, misses: 3, writes: 4, deletes: 1, clears: 1, remoteWrites: 0, errors: { 'invalid-argument': 2 } });
    expect(st.hitRate).toBeCloseTo(4 / 7);
    expect(st.bytesWritten).toBeGreaterThan(0);
    expect(st.operations.set).toMatchObject({ count: 2, errors: 1 });
    expect(st.operations.get).toMatchObject({ count: 4, errors: 1 });
    expect(Object.keys(st.operations).sort()).toEqual(['batch', 'clear', 'get', 'getMany', 'has', 'set', 'setMany']);
    await a.close();
  });

  it('scan() passes through and counts one read per entry, a hit per entry it could decode', async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage(), a);
    await s.setMany({ a: 1, b: 2, c: 3 });
    const entries = await s.scan();
    expect(entries.map((e) => [e.key, e.value])).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    const st = a.getStats();
    expect(st).toMatchObject({ reads: 3, hits: 3, misses: 0 });
    expect(st.operations.scan).toMatchObject({ count: 1, errors: 0 });
    await a.close();
  });

  it('latency percentiles per operation come from the timer', async () => {
    const w = world();
    const timer = scriptedTimer();
    const a = w.analytics({ timer });
    const s = instrument(w.storage(), a);
    await s.set('k', 1);
    timer.durations(Array.from({ length: 100 }, (_, i) => i + 1));
    for (let i = 0; i < 100; i++) await s.get('k');
    const g = a.getStats().operations.get;
    expect(g).toMatchObject({ count: 100, minMs: 1, maxMs: 100 });
    expect(g?.meanMs).toBeCloseTo(50.5);
    expect(Math.abs((g?.p50Ms ?? 0) - 50) / 50).toBeLessThan(1 / 64);
    expect(Math.abs((g?.p90Ms ?? 0) - 90) / 90).toBeLessThan(1 / 64);
    expect(Math.abs((g?.p99Ms ?? 0) - 99) / 99).toBeLessThan(1 / 64);
  });
});

describe('operation names', () => {
  it('at most 64 have their own latency figures; the rest share "other"', () => {
    const a = world().analytics();
    for (let i = 0; i < 70; i++) a.record({ op: `op${i}`, durationMs: i + 1 });
    const ops = a.getStats().operations;
    expect(Object.keys(ops)).toHaveLength(64);
    expect(ops.op62).toMatchObject({ count: 1 });
    expect(ops.op63).toBeUndefined();
    expect(ops.other).toMatchObject({ count: 7, minMs: 64, maxMs: 70 });
  });
});

describe('operation log', () => {
  it('is a ring buffer: keeps the latest logSize entries, newest first, with sizes of writes', async () => {
    const w = world();
    const a = w.analytics({ logSize: 5 });
    const s = instrument(w.storage(), a);
    for (let i = 0; i < 12; i++) {
      await s.set(`k${i}`, 'x'.repeat(i));
      await w.clock.advance(10);
    }
    const log = a.getOperationHistory();
    expect(log.map((e) => e.key)).toEqual(['k11', 'k10', 'k9', 'k8', 'k7']);
    expect(log.every((e) => e.op === 'set' && e.outcome === 'ok' && typeof e.size === 'number')).toBe(true);
    expect((log[0]?.size ?? 0) - (log[1]?.size ?? 0)).toBe(1);
    expect(log[0]!.at - log[1]!.at).toBe(10);
    expect(a.getOperationHistory(2).map((e) => e.key)).toEqual(['k11', 'k10']);
    expect(a.getOperationHistory(0)).toEqual([]);
    expectCode(() => a.getOperationHistory(-1), 'invalid-argument');
    expectCode(() => a.getOperationHistory(1.5), 'invalid-argument');
  });

  it('records failures with their StowageError code and multi-key counts', async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage(), a);
    await s.getMany(['a', 'b', 'c']);
    // @ts-expect-error a function is refused by the types too; the run-time check is for untyped callers
    await expect(s.set('k', () => 1)).rejects.toBeInstanceOf(StowageError);
    const [fail, many] = a.getOperationHistory();
    expect(fail).toMatchObject({ op: 'set', key: 'k', outcome: 'error', error: 'invalid-argument' });
    expect(fail?.size).toBeUndefined();
    expect(many).toMatchObject({ op: 'getMany', keys: 3, outcome: 'ok' });
  });
});

describe('hot keys', () => {
  it('lists the most accessed keys first with their sizes and shares', async () => {
    const w = world();
    const a = w.analytics({ hotKeys: 2 });
    const s = instrument(w.storage(), a);
    await s.set('big', 'x'.repeat(500));
    await s.set('small', 1);
    await s.set('cold', 1);
    for (let i = 0; i < 5; i++) await s.get('small');
    for (let i = 0; i < 3; i++) await s.get('big');
    const hot = a.analyzeHotData();
    expect(hot.keys.map((k) => [k.key, k.accesses, k.reads, k.writes])).toEqual([
      ['small', 6, 5, 1],
      ['big', 4, 3, 1],
    ]);
    expect(hot.keys[1]!.size).toBeGreaterThan(500);
    expect(hot.totalAccesses).toBe(11);
    expect(hot.topShare).toBeCloseTo(10 / 11);
    expect(hot.topBytes).toBe((hot.keys[0]!.size ?? 0) + (hot.keys[1]!.size ?? 0));
  });
});

describe('record()', () => {
  it('records operations the app timed itself', () => {
    const a = world().analytics();
    a.record({ op: 'fetch', durationMs: 12, key: 'user', outcome: 'hit' });
    a.record({ op: 'fetch', durationMs: 30, error: new StowageError('unavailable', 'offline') });
    a.record({ op: 'fetch', durationMs: 5, error: new DOMException('full', 'QuotaExceededError') });
    const st = a.getStats();
    expect(st.operations.fetch).toMatchObject({ count: 3, errors: 2, maxMs: 30 });
    expect(st.errors).toEqual({ unavailable: 1, 'quota-exceeded': 1 });
    expect(st).toMatchObject({ reads: 1, hits: 1 });
  });

  it('refuses bad input with invalid-argument and changes nothing', () => {
    const a = world().analytics();
    const bad: unknown[] = [
      undefined, null, {}, { op: '', durationMs: 1 }, { op: 'x'.repeat(65), durationMs: 1 }, { op: 'a', durationMs: -1 },
      { op: 'a', durationMs: Number.NaN }, { op: 'a', durationMs: 1, outcome: 'maybe' }, { op: 'a', durationMs: 1, key: 5 },
      { op: 'a', durationMs: 1, keys: 1.5 }, { op: 'a', durationMs: 1, size: -3 }, { op: 'a', durationMs: 1, extra: true },
    ];
    for (const input of bad) expectCode(() => a.record(input as never), 'invalid-argument');
    expect(a.getOperationHistory()).toEqual([]);
    expect(a.getStats().operations).toEqual({});
  });

  it('bounds the number of operation names (extra ones share "other")', () => {
    const a = world().analytics();
    for (let i = 0; i < 100; i++) a.record({ op: `op${i}`, durationMs: 1 });
    const ops = a.getStats().operations;
    expect(Object.keys(ops)).toHaveLength(64);
    expect(ops.other?.count).toBe(37);
  });
});

describe('options', () => {
  it('bad options throw invalid-argument', () => {
    const bad: unknown[] = [
      5, { nope: 1 }, { persistInterval: 0 }, { persistInterval: Infinity }, { logSize: 0 }, { logSize: 2.5 }, { hotKeys: -1 },
      { hashKeys: 'yes' }, { hashKeys: { salt: '' } }, { hashKeys: { salt: 's', pepper: 1 } }, { storage: {} }, { clock: { now: () => 1 } },
      { timer: 3 }, { onError: 'x' }, { pagehideTarget: {} }, { growthSamples: 1 }, { persistKey: '' }, { locks: {} }, { pollInterval: -5 },
    ];
    for (const o of bad) expectCode(() => createAnalytics(o as never), 'invalid-argument');
  });

  it('attach* and instrument refuse what they cannot use', async () => {
    const w = world();
    const a = w.analytics();
    expectCode(() => a.attachStorage({} as never), 'invalid-argument');
    expectCode(() => a.attachCache({} as never), 'invalid-argument');
    expectCode(() => a.attachCache({ stats: () => ({ hits: 0, misses: 0 }) }, { name: '' }), 'invalid-argument');
    expectCode(() => a.attachSync({} as never), 'invalid-argument');
    expectCode(() => instrument({} as never, a), 'invalid-argument');
    expectCode(() => instrument(w.storage(), {} as never), 'invalid-argument');
    await a.close();
    expectCode(() => a.attachStorage(w.storage()), 'closed');
  });
});

describe('report and CSV', () => {
  it('generateReport() is plain JSON with stats, hot data, growth and the recent operations', async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage(), a);
    await s.set('a', { n: 1 });
    await s.get('a');
    const r = a.generateReport();
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r).toMatchObject({ format: 'stowage-analytics-report', version: 1, generatedAt: w.clock.now() });
    expect(r.stats.reads).toBe(1);
    expect(r.hotData.keys[0]?.key).toBe('a');
    expect(r.recentOperations.map((e) => e.op)).toEqual(['get', 'set']);
    expect(r.growth.samples.length).toBeGreaterThan(0);
  });

  it('exportCsv() lists the log oldest first, escaping keys and defusing formulas', async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage(), a);
    await s.set('=cmd|calc', 1);
    await s.get('a,"b"\nc');
    const lines = a.exportCsv().split('\r\n');
    expect(lines[0]).toBe('time,op,key,keys,size,durationMs,outcome,error');
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[^,]+,set,'=cmd\|calc,,\d+,[\d.e-]+,ok,$/);
    expect(lines[2]).toMatch(/^[^,]+,get,"a,""b""\nc",,,[\d.e-]+,miss,$/);
    expect(lines[3]).toBe('');
  });

  it('resetStats() zeroes counters, log, hot keys and latencies', async () => {
    const w = world();
    const a = w.analytics();
    const s = instrument(w.storage(), a);
    await s.set('a', 1);
    await s.get('a');
    await w.clock.advance(5000);
    a.resetStats();
    const st = a.getStats();
    expect(st).toMatchObject({ reads: 0, writes: 0, operations: {}, errors: {}, since: w.clock.now() });
    expect(a.getOperationHistory()).toEqual([]);
    expect(a.analyzeHotData().keys).toEqual([]);
    await s.get('a');
    expect(a.getStats().reads).toBe(1);
  });
});
