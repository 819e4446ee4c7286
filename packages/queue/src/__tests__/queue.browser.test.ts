import { isStowageError } from '@stowage/core';
import type { Driver } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { afterEach, describe, expect, test } from 'vitest';
import { createQueue } from '../index.js';
import type { Queue, QueueEntry, QueueEvent, QueueOptions, QueueOutcome } from '../index.js';

const drivers: Driver[] = [];
const queues: Queue<unknown>[] = [];
const databases: string[] = [];
let seq = 0;

function newDb(): string {
  const name = `queue-test-${Date.now()}-${++seq}`;
  databases.push(name);
  return name;
}

/** One "tab": its own IndexedDB connection and queue; Web Locks and BroadcastChannel are the real ones. */
function tab<T>(dbName: string, options: Partial<QueueOptions<T>> & Pick<QueueOptions<T>, 'handler'>): Queue<T> {
  const driver = indexedDbDriver({ dbName, durability: 'strict' });
  drivers.push(driver);
  const q = createQueue<T>({ driver, name: 'outbox', autoFlush: false, ...options });
  queues.push(q as Queue<unknown>);
  return q;
}

const done = (entries: readonly unknown[]): QueueOutcome[] => entries.map(() => ({ status: 'done' }));

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  for (const name of databases.splice(0)) {
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = resolve;
    });
  }
});

describe('queue over IndexedDB (real Chromium)', () => {
  test('an entry is in IndexedDB before enqueue resolves, and a reloaded tab drains it', async () => {
    const db = newDb();
    const first = tab<{ op: string }>(db, { handler: async (es) => done(es) });
    const entry = await first.enqueue({ op: 'create' }, { scope: 'todos/1' });
    // A separate connection (as another tab or the next session would have) sees it right away.
    const probe = indexedDbDriver({ dbName: db });
    drivers.push(probe);
    expect(await probe.keys('\u0000q/outbox/e/')).toEqual([`\u0000q/outbox/e/${entry.id}`]);
    await first.close();

    const delivered: QueueEntry<{ op: string }>[] = [];
    const reloaded = tab<{ op: string }>(db, {
      handler: async (es) => {
        delivered.push(...es);
        return done(es);
      },
    });
    expect(await reloaded.flush()).toEqual({ ran: true, handled: 1 });
    expect(delivered.map((e) => [e.id, e.payload.op, e.scope])).toEqual([[entry.id, 'create', 'todos/1']]);
    expect(await reloaded.size()).toBe(0);
  });

  test('two tabs with real Web Locks never run the handler at once, and every entry is delivered exactly once', async () => {
    const db = newDb();
    let active = 0;
    let maxActive = 0;
    const delivered: string[] = [];
    const handler = async (entries: readonly QueueEntry<string>[]): Promise<QueueOutcome[]> => {
      active++;
      maxActive = Math.max(maxActive, active);
      // Hold the lock across a few event-loop turns so the other tab's attempts overlap with it.
      await new Promise((resolve) => setTimeout(resolve, 5));
      delivered.push(...entries.map((e) => e.payload));
      active--;
      return done(entries);
    };
    const a = tab<string>(db, { handler, batchSize: 5 });
    const b = tab<string>(db, { handler, batchSize: 5 });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) writes.push(a.enqueue(`a${i}`), b.enqueue(`b${i}`));
    await Promise.all(writes);
    const reports = [];
    for (let round = 0; round < 3; round++) reports.push(...(await Promise.all([a.flush(), b.flush(), a.flush(), b.flush()])));
    expect(maxActive).toBe(1);
    expect(reports.some((r) => !r.ran)).toBe(true); // at least one attempt found the other tab flushing
    expect([...delivered].sort()).toEqual([...Array.from({ length: 20 }, (_, i) => `a${i}`), ...Array.from({ length: 20 }, (_, i) => `b${i}`)].sort());
    expect(await a.size()).toBe(0);
  });

  test('other tabs hear about entries through BroadcastChannel', async () => {
    const db = newDb();
    const a = tab<number>(db, { handler: async (es) => done(es) });
    const b = tab<number>(db, { handler: async (es) => done(es) });
    const heard = new Promise<QueueEvent<number>>((resolve) => {
      const off = b.subscribe((e) => {
        if (e.type === 'enqueued') {
          off();
          resolve(e);
        }
      });
    });
    const entry = await a.enqueue(42);
    expect(await heard).toEqual({ type: 'enqueued', source: 'remote', entry });
    expect(await b.size()).toBe(1);
  });

  test('prepare + the caller\'s own IndexedDB batch is atomic: a failing batch leaves neither data nor entry', async () => {
    const db = newDb();
    const driver = indexedDbDriver({ dbName: db });
    drivers.push(driver);
    const q = createQueue<string>({ driver, name: 'outbox', handler: async (es) => done(es), autoFlush: false });
    queues.push(q as Queue<unknown>);
    const ok = await q.prepare('title changed', { coalesceKey: 'title' });
    await driver.batch([{ type: 'put', key: 'title', value: 'v1' }, ...ok.ops]);
    q.committed(ok);

    const next = await q.prepare('title changed again', { coalesceKey: 'title' });
    expect(next.replaces).toBe(ok.entry.id);
    const err = await driver
      .batch([{ type: 'put', key: 'title', value: 'v2' }, ...next.ops, { type: 'put', key: 'broken', value: () => 'not cloneable' }])
      .catch((e: unknown) => e);
    expect(isStowageError(err)).toBe(true);
    expect(await driver.get('title')).toBe('v1');
    expect((await q.list()).map((e) => e.payload)).toEqual(['title changed']); // neither the new entry nor the coalescing delete
  });

  test('1,000 enqueues over 100 coalescing keys: ≤ 100 pending, drained in ≤ 10 handler calls of ≤ 100', async () => {
    const db = newDb();
    const calls: QueueEntry<{ key: string; value: number }>[][] = [];
    const q = tab<{ key: string; value: number }>(db, {
      batchSize: 100,
      handler: async (es) => {
        calls.push([...es]);
        return done(es);
      },
    });
    for (let i = 0; i < 1000; i++) await q.enqueue({ key: `k${i % 100}`, value: i }, { coalesceKey: `k${i % 100}` });
    expect(await q.size()).toBeLessThanOrEqual(100);
    await q.flush();
    expect(calls.length).toBeLessThanOrEqual(10);
    expect(calls.every((c) => c.length <= 100)).toBe(true);
    // What reached the "remote" is the last value of every key.
    const last = new Map(calls.flat().map((e) => [e.payload.key, e.payload.value]));
    expect(last.size).toBe(100);
    for (let k = 0; k < 100; k++) expect(last.get(`k${k}`)).toBe(900 + k);
    expect(await q.size()).toBe(0);
  });
});
