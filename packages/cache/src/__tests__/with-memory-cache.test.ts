import { createStorage, isStowageError, memoryDriver, cleanExpired, exportCsv, exportData, importData, inspect, listBackups, migrate, reencode, restoreBackup, storageConfig, storageInfo } from '@stowage/core';
import type { Driver, StorageEvent, StowageError } from '@stowage/core';
import { describe, expect, test } from 'vitest';
import { withMemoryCache } from '../index.js';
import type { MemoryCacheOptions } from '../index.js';
import { manualClock } from './helpers.js';

let seq = 0;

/** Counts value reads reaching the driver: the evidence that memory answered. */
function countingDriver(inner: Driver): Driver & { reads: number; hold?: Promise<void> } {
  const d = Object.create(inner) as Driver & { reads: number; hold?: Promise<void> };
  d.reads = 0;
  for (const m of ['open', 'batch', 'entries', 'keys', 'clear', 'close'] as const) {
    (d as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  }
  d.get = async (key) => {
    d.reads++;
    const value = await inner.get(key);
    // `hold` delays the answer after the read: the value is then older than the store.
    if (d.hold) await d.hold;
    return value;
  };
  d.getMany = (keys) => {
    d.reads += keys.length;
    return inner.getMany(keys);
  };
  return d;
}

function setup(options: Omit<MemoryCacheOptions, 'clock'> = {}) {
  const clock = manualClock();
  const raw = memoryDriver({ name: `wmc-${++seq}` });
  const driver = countingDriver(raw);
  const inner = createStorage({ driver, prefix: 'app', clock, broadcast: false });
  const storage = withMemoryCache(inner, { clock, ...options });
  /** Reads of `key` that bypass memory: a get through storage then costs reads of the value and of its metadata. */
  return { storage, inner, driver, raw, clock };
}

async function rejection(p: Promise<unknown>): Promise<StowageError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(isStowageError(err), `expected a StowageError, got ${String(err)}`).toBe(true);
  return err as StowageError;
}

describe('withMemoryCache: reads', () => {
  test('the second read of a key is answered by memory', async () => {
    const { storage, driver } = setup();
    await storage.set('a', { n: 1 });
    const before = driver.reads;
    expect(await storage.get('a')).toEqual({ n: 1 });
    const afterFirst = driver.reads;
    expect(afterFirst).toBeGreaterThan(before);
    expect(await storage.get('a')).toEqual({ n: 1 });
    expect(await storage.has('a')).toBe(true);
    expect(driver.reads).toBe(afterFirst);
    expect(storage.memoryStats()).toMatchObject({ size: 1, hits: 1 });
  });

  test('misses are not cached: a key written behind its back is found on the next read', async () => {
    const { storage, raw } = setup();
    expect(await storage.get('late')).toBeUndefined();
    expect(await storage.get('late', 'fallback')).toBe('fallback');
    await raw.batch([{ type: 'put', key: 'app:late', value: 'raw value' }]); // no event: straight into the store
    expect(await storage.get('late')).toBe('raw value');
  });

  test('getMany mixes memory hits and storage reads, in order', async () => {
    const { storage, driver } = setup();
    await storage.setMany({ a: 1, b: 2, c: 3 });
    await storage.get('b');
    const before = driver.reads;
    expect(await storage.getMany(['a', 'b', 'zz', 'c', 'b'])).toEqual([1, 2, undefined, 3, 2]);
    expect(driver.reads - before).toBe(3 + 3); // a, zz, c: values, then their metadata
    expect(await storage.getMany(['a', 'c'])).toEqual([1, 3]);
    expect(driver.reads - before).toBe(6);
  });

  test('a memory copy expires with its record', async () => {
    const { storage, clock } = setup();
    await storage.set('t', 'v', { ttl: 100 });
    await storage.set('forever', 'f');
    expect(await storage.get('t')).toBe('v');
    expect(await storage.get('forever')).toBe('f');
    clock.advance(100);
    expect(await storage.get('t')).toBeUndefined();
    expect(await storage.get('forever')).toBe('f');
  });

  test('callers get copies, as from the storage itself', async () => {
    const { storage } = setup();
    await storage.set('o', { list: [1] });
    const first = await storage.get<{ list: number[] }>('o');
    first!.list.push(2);
    expect(await storage.get('o')).toEqual({ list: [1] });
    const shared = setup({ clone: false }).storage;
    await shared.set('o', { list: [1] });
    await shared.get('o');
    expect(await shared.get('o')).toBe(await shared.get('o'));
  });

  test('a value over the memory budget is still read from storage', async () => {
    const { storage } = setup({ maxBytes: 10, sizeOf: (v) => JSON.stringify(v).length });
    await storage.set('big', 'x'.repeat(40));
    expect(await storage.get('big')).toBe('x'.repeat(40));
    expect(await storage.get('big')).toBe('x'.repeat(40));
    expect(storage.memoryStats().size).toBe(0);
  });
});

describe('withMemoryCache: invalidation', () => {
  test('writes through the layer are read back at once', async () => {
    const { storage } = setup();
    await storage.set('k', 1);
    await storage.get('k');
    const read = storage.get('k');
    const write = storage.set('k', 2); // issued while a read is out
    expect(await read).toBe(1);
    await write;
    expect(await storage.get('k')).toBe(2);
    const next = storage.set('k', 2.5); // a read issued after a write sees it, as with the storage alone
    expect(await storage.get('k')).toBe(2.5);
    await next;
    await storage.setMany((function* () {
      yield ['k', 3] as const;
      yield ['j', 4] as const;
    })());
    expect(await storage.getMany(['k', 'j'])).toEqual([3, 4]);
    await storage.batch([{ type: 'remove', key: 'k' }, { type: 'set', key: 'j', value: 5 }]);
    expect(await storage.getMany(['k', 'j'])).toEqual([undefined, 5]);
    await storage.remove('j');
    expect(await storage.get('j')).toBeUndefined();
    expect(await storage.has('j')).toBe(false);
  });

  test('a read that was answered before a write landed does not put its old value in memory', async () => {
    const { storage, driver } = setup();
    await storage.set('k', 'old');
    let release!: () => void;
    driver.hold = new Promise((resolve) => (release = resolve));
    const read = storage.get('k'); // reads 'old', then waits
    await new Promise((resolve) => setTimeout(resolve, 0));
    const write = storage.set('k', 'new');
    await write;
    delete driver.hold;
    release();
    expect(await read).toBe('old');
    expect(await storage.get('k')).toBe('new');
  });

  test('writes made on the wrapped storage directly evict the copy', async () => {
    const { storage, inner } = setup();
    await storage.set('k', 'old');
    await storage.get('k');
    await inner.set('k', 'new');
    expect(await storage.get('k')).toBe('new');
    await inner.remove('k');
    expect(await storage.get('k')).toBeUndefined();
  });

  test('clear, import and restore drop every copy; a migration keeps reads right', async () => {
    const { storage, inner } = setup();
    await storage.setMany({ a: 1, b: 2 });
    await storage.getMany(['a', 'b']);
    const clearing = storage.clear();
    expect(await storage.getMany(['a', 'b'])).toEqual([undefined, undefined]); // not the copies while it runs
    await clearing;

    await storage.set('a', 1);
    await storage.get('a');
    const backup = await exportData(inner);
    await importData(storage, { ...backup, entries: [{ ...backup.entries[0]!, value: 'imported' }] });
    expect(await storage.get('a')).toBe('imported');

    const [saved] = await listBackups(storage);
    await restoreBackup(storage, saved!.id);
    expect(await storage.get('a')).toBe(1);
    // A migration keeps every value as reads see it (reads migrate too): a copy stays right.
    expect(await migrate(storage)).toBeGreaterThanOrEqual(0);
    expect(await storage.get('a')).toBe(await inner.get('a'));
  });

  test('another tab changing a key evicts this tab’s copy', async () => {
    const clock = manualClock();
    const driver = memoryDriver({ name: `wmc-tabs-${++seq}` });
    const tabA = withMemoryCache(createStorage({ driver, prefix: 'app', clock }), { clock });
    const tabB = createStorage({ driver, prefix: 'app', clock });
    const remote = (type: StorageEvent['type']): Promise<void> =>
      new Promise((resolve) => {
        const off = tabA.subscribe((e) => {
          if (e.type === type && 'source' in e && e.source === 'remote') {
            off();
            resolve();
          }
        });
      });
    await tabA.set('k', 'a');
    expect(await tabA.get('k')).toBe('a');
    let seen = remote('set');
    await tabB.set('k', 'b');
    await seen;
    expect(await tabA.get('k')).toBe('b');
    seen = remote('clear');
    await tabB.clear();
    await seen;
    expect(await tabA.get('k')).toBeUndefined();
    await tabA.close();
    await tabB.close();
  });
});

describe('withMemoryCache: the rest of the Storage interface', () => {
  test('delegates metadata, events, export and lifecycle', async () => {
    const { storage, inner } = setup();
    const events: string[] = [];
    const off = storage.subscribe((e) => events.push(e.type));
    await storage.ready();
    await storage.set('x', { y: 1 }, { ttl: 50 });
    expect(storage.prefix).toBe('app');
    expect(storageConfig(storage)).toBe(storageConfig(inner));
    expect(await storage.keys()).toEqual(['x']);
    expect((await storageInfo(storage)).keys).toEqual(['x']);
    expect((await inspect(storage, 'x'))?.expiresAt).toBeDefined();
    expect((await inspect(storage)).map((e) => e.key)).toEqual(['x']);
    expect(await exportCsv(storage)).toContain('x');
    expect((await exportData(storage)).entries.length).toBe(1);
    expect(await reencode(storage)).toBe(0);
    expect(await cleanExpired(storage)).toBe(0);
    off();
    expect(events).toEqual(['set']);
    await storage.close();
    expect((await rejection(inner.get('x'))).code).toBe('closed');
  });

  test('members the layer does not know are forwarded to the storage', async () => {
    const { inner } = setup();
    const grown = new Proxy(inner, {
      get: (t, p) => {
        if (p === 'extra') return () => `extra of ${t.prefix}`;
        const v: unknown = Reflect.get(t, p, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
      has: (t, p) => p === 'extra' || p in t,
    }) as typeof inner & { extra(): string };
    const layered = withMemoryCache(grown) as typeof grown & ReturnType<typeof withMemoryCache>;
    expect(layered.extra()).toBe('extra of app');
    expect('extra' in layered).toBe(true);
    expect(layered.prefix).toBe('app');
    await layered.set('k', 1);
    expect(await layered.get('k')).toBe(1);
    expect(layered.memoryStats().size).toBe(1);
  });

  test('bad input is a StowageError, as from the storage', async () => {
    const { storage } = setup();
    expect(() => withMemoryCache({} as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => withMemoryCache(createStorage({ broadcast: false }), { maxEntries: 0 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => withMemoryCache(createStorage({ broadcast: false }), { size: 3 } as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    for (const p of [
      storage.get(''), storage.get(7 as never), storage.getMany('a' as never), storage.getMany([1] as never), storage.set('k', undefined as never),
      storage.setMany(null as never), storage.batch('x' as never), storage.remove(''), storage.has(''),
    ]) {
      expect((await rejection(p)).code).toBe('invalid-argument');
    }
  });
});
