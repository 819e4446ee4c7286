// keys() from one key listing plus the expiry markers (issue 21): never an expired key, never a
// lost one — also across tabs, databases written before markers existed, and interrupted writes.
import { describe, expect, it } from 'vitest';
import { createKernel, createStorage, expiryLayer, memoryDriver } from '@stowage/core';
import type { Driver, DriverOp } from '@stowage/core';
import { dataKeys, fakeClock, spyDriver } from './helpers.js';

const MARKS = '\u0000ttl/stowage/';

/** A driver that records which prefixes were listed with their values (`entries`) or keys only. */
function watched(inner: Driver = memoryDriver()): Driver & { entries_: string[]; keys_: string[]; gets: number } {
  const w = Object.create(inner) as Driver & { entries_: string[]; keys_: string[]; gets: number };
  w.entries_ = [];
  w.keys_ = [];
  w.gets = 0;
  w.entries = (prefix, o) => (w.entries_.push(prefix), inner.entries(prefix, o));
  w.keys = (prefix) => (w.keys_.push(prefix), inner.keys(prefix));
  w.getMany = (keys) => ((w.gets += keys.length), inner.getMany(keys));
  for (const m of ['open', 'get', 'batch', 'clear', 'close'] as const) (w as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  return w;
}

/**
 * A driver whose batches are not atomic and can be "crashed": applies the ops one by one and
 * throws after `crashAfter` of them (then forgets the setting), as a store killed mid-batch.
 */
function crashable(inner: Driver = memoryDriver()): Driver & { crashAfter?: number } {
  const c = Object.create(inner) as Driver & { crashAfter?: number };
  Object.defineProperty(c, 'capabilities', { value: { persistent: true, atomicBatch: false } });
  c.batch = async (ops: readonly DriverOp[]) => {
    const limit = c.crashAfter;
    c.crashAfter = undefined;
    for (const [i, op] of ops.entries()) {
      if (limit !== undefined && i === limit) throw new Error('crashed mid-batch');
      await inner.batch([op]);
    }
  };
  for (const m of ['open', 'get', 'getMany', 'entries', 'keys', 'clear', 'close'] as const) (c as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  return c;
}

/** A v1 record as the code before markers wrote it. */
const v1 = (value: unknown, at: number, expiresAt?: number) => ({
  v: 1, s: 1, value, codecs: [], createdAt: at, updatedAt: at, size: 10, rawSize: 5, ...(expiresAt === undefined ? {} : { expiresAt }),
});

describe('keys() without reading records', () => {
  it('after the first call, a namespace is listed by its keys alone: no record is read unless its marker is due', async () => {
    const clock = fakeClock(0);
    const driver = watched();
    const s = createStorage({ driver, clock, broadcast: false });
    await s.setMany({ a: 1, b: 2, c: 3 });
    await s.set('t', 4, { ttl: 1000 });
    expect(await s.keys()).toEqual(['a', 'b', 'c', 't']); // first call: one whole read, then the flag
    await s.set('idle', 0); // lets the background upkeep commit
    driver.entries_.length = 0;
    driver.gets = 0;
    expect(await s.keys()).toEqual(['a', 'b', 'c', 'idle', 't']);
    expect(driver.entries_).toEqual([MARKS]); // the markers only, never 'stowage:'
    expect(driver.keys_).toContain('stowage:');
    expect(driver.gets).toBe(0); // t's marker is not due: no record read
    await clock.advance(1000);
    expect(await s.keys()).toEqual(['a', 'b', 'c', 'idle']);
    expect(driver.gets).toBe(1); // only t, whose marker was due
    expect(driver.entries_).toEqual([MARKS, MARKS]);
  });

  it('never returns an expired key: per-key TTL, rewrites to a later or earlier expiry or none, in a kernel without the expiry layer too', async () => {
    for (const make of [(d: Driver, c: ReturnType<typeof fakeClock>) => createStorage({ driver: d, clock: c, broadcast: false }), (d: Driver, c: ReturnType<typeof fakeClock>) => createKernel({ driver: d, clock: c, layers: [expiryLayer()] })]) {
      const clock = fakeClock(0);
      const s = make(memoryDriver(), clock);
      await s.keys(); // builds the (empty) markers
      await s.set('later', 1, { ttl: 100 });
      await s.set('earlier', 1, { ttl: 500 });
      await s.set('plain', 1, { ttl: 100 });
      await s.set('later', 2, { ttl: 1000 });
      await s.set('earlier', 2, { ttl: 50 });
      await s.set('plain', 2);
      await clock.advance(60);
      expect(await s.keys()).toEqual(['later', 'plain']);
      await clock.advance(100);
      expect(await s.keys()).toEqual(['later', 'plain']);
      await clock.advance(1000);
      expect(await s.keys()).toEqual(['plain']);
      expect(await s.keys()).toEqual(['plain']);
    }
    // Records that expire stay in a store without the expiry layer (no lazy delete): still never listed.
    const clock = fakeClock(0);
    const driver = memoryDriver();
    const bare = createKernel({ driver, clock });
    await bare.keys();
    await createKernel({ driver, clock, layers: [expiryLayer()] }).set('t', 1, { ttl: 10 });
    await clock.advance(10);
    for (let i = 0; i < 3; i++) expect(await bare.keys()).toEqual([]);
    expect(await driver.get('stowage:t')).toBeDefined();
  });

  it('a database written before markers existed: expired keys are not listed, and its markers are built from it', async () => {
    const clock = fakeClock(1000);
    const driver = watched();
    await driver.batch([
      { type: 'put', key: 'stowage:gone', value: v1('x', 0, 500) },
      { type: 'put', key: 'stowage:soon', value: v1('x', 0, 2000) },
      { type: 'put', key: 'stowage:kept', value: v1('x', 0) },
      { type: 'put', key: 'stowage:foreign', value: 'from idb-keyval' },
    ]);
    const s = createKernel({ driver, clock });
    expect(await s.keys()).toEqual(['foreign', 'kept', 'soon']);
    expect(driver.entries_).toEqual([MARKS, 'stowage:']);
    await s.set('x', 1); // the upkeep commits in the lane before this write
    expect(await driver.entries(MARKS)).toEqual([[`${MARKS}built`, 1], [`${MARKS}k/gone`, 500], [`${MARKS}k/soon`, 2000]]);
    await clock.advance(1000);
    driver.entries_.length = 0;
    expect(await s.keys()).toEqual(['foreign', 'kept', 'x']);
    expect(driver.entries_).toEqual([MARKS]);
  });

  it('a build raced by a rewrite in another tab commits nothing: its marker could carry an expiry the record no longer has', async () => {
    const clock = fakeClock(0);
    const inner = memoryDriver();
    await inner.batch([{ type: 'put', key: 'stowage:k', value: v1('old', 0, 10_000) }]);
    const driver = spyDriver(inner);
    const a = createKernel({ driver, clock });
    const b = createKernel({ driver: inner, clock, layers: [expiryLayer()] });
    let raced = false;
    driver.before = async (ops) => {
      // Another tab rewrites k (with its marker) after a read it, before a's build commits.
      if (!raced && ops.some((op) => op.key === `${MARKS}built`)) {
        raced = true;
        await b.set('k', 'new', { ttl: 100 });
      }
    };
    expect(await a.keys()).toEqual(['k']);
    await a.set('z', 1); // after the build attempt
    expect(raced).toBe(true);
    expect(await inner.get(`${MARKS}k/k`)).toBe(100);
    await clock.advance(100);
    expect(await a.keys()).toEqual(['z']);
  });

  it('a stale marker is not dropped once another tab wrote its key again with an expiry', async () => {
    const clock = fakeClock(0);
    const inner = memoryDriver();
    const driver = spyDriver(inner);
    const a = createKernel({ driver, clock, layers: [expiryLayer()] });
    const b = createKernel({ driver: inner, clock, layers: [expiryLayer()] });
    await a.keys();
    await a.set('k', 1, { ttl: 10 });
    await a.remove('k'); // its marker stays, stale
    let raced = false;
    driver.before = async (ops) => {
      if (!raced && ops.some((op) => op.type === 'delete' && op.key === `${MARKS}k/k`)) {
        raced = true;
        await b.set('k', 2, { ttl: 10 }); // the same value and expiry as the stale marker's
      }
    };
    expect(await a.keys()).toEqual([]);
    await a.set('z', 1); // after the upkeep attempt
    expect(raced).toBe(true);
    expect(await inner.get(`${MARKS}k/k`)).toBe(10);
    await clock.advance(10);
    expect(await a.keys()).toEqual(['z']);
  });

  it('across tabs: a key another instance wrote with a TTL is not listed once expired', async () => {
    const clock = fakeClock(0);
    const driver = memoryDriver();
    const a = createStorage({ driver, clock, broadcast: false });
    const b = createStorage({ driver, clock, broadcast: false });
    expect(await a.keys()).toEqual([]);
    await b.setMany({ s1: 1, s2: 2 }, { ttl: 50 });
    await b.set('p', 3);
    expect(await a.keys()).toEqual(['p', 's1', 's2']);
    await clock.advance(50);
    expect(await a.keys()).toEqual(['p']);
  });

  it('stale markers (removed keys, keys rewritten without expiry) are cleaned up, only while still stale', async () => {
    const clock = fakeClock(0);
    const driver = memoryDriver();
    const s = createStorage({ driver, clock, broadcast: false });
    await s.keys();
    await s.setMany({ removed: 1, rewritten: 1, live: 1 }, { ttl: 10 });
    await s.remove('removed');
    await s.set('rewritten', 2);
    await s.set('live', 2, { ttl: 1000 });
    await clock.advance(10);
    expect(await s.keys()).toEqual(['live', 'rewritten']);
    await s.set('idle', 0); // the upkeep commits first
    expect((await driver.keys(MARKS)).map((k) => k.slice(MARKS.length))).toEqual(['built', 'k/live']);
    expect(await s.keys()).toEqual(['idle', 'live', 'rewritten']);
  });

  it('an expiry delete takes its marker with it; clear() leaves markers that no longer matter', async () => {
    const clock = fakeClock(0);
    const driver = memoryDriver();
    const s = createStorage({ driver, clock, broadcast: false });
    await s.keys();
    await s.set('t', 1, { ttl: 10 });
    await clock.advance(10);
    expect(await s.get('t')).toBeUndefined(); // queues the lazy delete
    await s.set('other', 1); // after it
    expect(await driver.keys(MARKS)).toEqual([`${MARKS}built`]);
    await s.remove('other');
    await s.set('u', 1, { ttl: 10 });
    await s.clear();
    await s.set('u', 2); // the same key again, without expiry
    await clock.advance(100);
    expect(await s.keys()).toEqual(['u']);
    expect(await dataKeys(driver)).toEqual(['stowage:u']);
  });

  it('a write interrupted between its marker and its record (a non-atomic driver) neither loses nor resurrects the key', async () => {
    const clock = fakeClock(0);
    const driver = crashable();
    const s = createKernel({ driver, clock, layers: [expiryLayer()] });
    await s.keys();
    await s.set('idle', 0);
    await s.set('plain', 'v');
    await s.set('ttl', 'v', { ttl: 10 });
    driver.crashAfter = 1; // the marker of the rewrite lands, its record does not
    await expect(s.set('plain', 'w', { ttl: 10 })).rejects.toThrow();
    driver.crashAfter = 0; // nothing of this plain rewrite lands (it has no marker)
    await expect(s.set('ttl', 'w')).rejects.toThrow();
    await clock.advance(10);
    expect(await s.keys()).toEqual(['idle', 'plain']); // plain still holds 'v', no expiry; ttl expired
    expect(await s.get('plain')).toBe('v');
    expect(await s.get('ttl')).toBeUndefined();
    // An expiry delete interrupted after the record, before the marker: a stale marker, harmless.
    await s.set('t2', 1, { ttl: 5 });
    await clock.advance(5);
    driver.crashAfter = 2; // the check, then the record's delete; the marker's delete is lost
    expect(await s.get('t2')).toBeUndefined();
    await s.set('idle', 1);
    expect(await driver.get('stowage:t2')).toBeUndefined();
    await s.set('t2', 'again'); // no expiry now, with the old marker still there
    expect(await s.keys()).toEqual(['idle', 'plain', 't2']);
  });

  it('a build interrupted before its flag commits is done again by the next call', async () => {
    const clock = fakeClock(1000);
    const driver = crashable();
    await driver.batch([{ type: 'put', key: 'stowage:gone', value: v1('x', 0, 500) }, { type: 'put', key: 'stowage:kept', value: v1('x', 0) }]);
    const s = createKernel({ driver, clock });
    driver.crashAfter = 1; // the build's first check passes, the rest never lands
    expect(await s.keys()).toEqual(['kept']);
    await s.set('idle', 0).catch(() => undefined);
    expect(await driver.get(`${MARKS}built`)).toBeUndefined();
    expect(await s.keys()).toEqual(['idle', 'kept']);
    await s.set('idle', 1);
    expect(await driver.get(`${MARKS}built`)).toBe(1);
    expect(await s.keys()).toEqual(['idle', 'kept']);
  });
});
