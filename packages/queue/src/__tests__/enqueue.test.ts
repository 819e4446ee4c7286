import { isStowageError, memoryDriver } from '@stowage/core';
import type { DriverOp } from '@stowage/core';
import { afterEach, describe, expect, test } from 'vitest';
import { collect, deferred, recordingHandler, world, wrapDriver } from './helpers.js';
import type { World } from './helpers.js';

let w: World;
afterEach(async () => {
  await w.closeAll();
});

describe('enqueue and durability', () => {
  test('an entry is in the driver before enqueue resolves: a second queue on the same driver sees it', async () => {
    w = world();
    const a = w.queue<{ n: number }>({ handler: recordingHandler<{ n: number }>().handler });
    const entry = await a.enqueue({ n: 1 }, { scope: 'doc/1' });
    const b = w.queue<{ n: number }>({ handler: recordingHandler<{ n: number }>().handler });
    expect(await b.size()).toBe(1);
    const [seen] = await b.list();
    expect(seen).toMatchObject({ id: entry.id, payload: { n: 1 }, scope: 'doc/1', attempts: 0 });
    expect(seen!.coalesceKey).toBeUndefined();
  });

  test('survives a reload: a new queue instance on the same driver drains what the old one left', async () => {
    w = world();
    const before = w.queue<string>({ handler: recordingHandler<string>().handler });
    await before.enqueue('a');
    await before.enqueue('b');
    await before.close(); // the tab goes away without flushing
    const rec = recordingHandler<string>();
    const after = w.queue<string>({ handler: rec.handler, autoFlush: true });
    const events = collect(after);
    await w.clock.advance(0);
    expect(rec.payloads()).toEqual([['a', 'b']]);
    expect(await after.size()).toBe(0);
    expect(events.map((e) => e.type)).toEqual(['succeeded', 'drained']);
  });

  test('entries of a new session sort after those of the old one even if its clock is behind', async () => {
    w = world();
    const old = w.queue<string>({ handler: recordingHandler<string>().handler });
    await old.enqueue('old', { scope: 's' });
    await old.close();
    const behind = { ...w.clock, now: () => w.clock.now() - 3_600_000 };
    const rec = recordingHandler<string>();
    const fresh = w.queue<string>({ handler: rec.handler, clock: behind });
    await fresh.enqueue('new', { scope: 's' });
    expect((await fresh.list()).map((e) => e.payload)).toEqual(['old', 'new']);
  });

  test('the payload is snapshotted at enqueue time', async () => {
    w = world();
    const q = w.queue<{ tags: string[] }>({ handler: recordingHandler<{ tags: string[] }>().handler });
    const payload = { tags: ['a'] };
    const entry = await q.enqueue(payload);
    payload.tags.push('mutated');
    expect(entry.payload).toEqual({ tags: ['a'] });
    expect((await q.list())[0]!.payload).toEqual({ tags: ['a'] });
  });

  test('enqueue emits `enqueued` with the stored entry', async () => {
    w = world();
    const q = w.queue<number>({ handler: recordingHandler<number>().handler });
    const events = collect(q);
    const entry = await q.enqueue(7, { coalesceKey: 'k' });
    expect(events).toEqual([{ type: 'enqueued', source: 'local', entry }]);
  });
});

describe('coalescing', () => {
  test('a newer entry with the same coalesceKey replaces the pending one; other keys are untouched', async () => {
    w = world();
    const rec = recordingHandler<string>();
    const q = w.queue<string>({ handler: rec.handler });
    const events = collect(q);
    const first = await q.enqueue('v1', { coalesceKey: 'user:1' });
    await q.enqueue('x', { coalesceKey: 'user:2' });
    const second = await q.enqueue('v2', { coalesceKey: 'user:1' });
    await q.enqueue('plain');
    expect((await q.list()).map((e) => e.payload)).toEqual(['x', 'v2', 'plain']);
    expect(events.at(-2)).toMatchObject({ type: 'enqueued', entry: { id: second.id }, replaced: first.id });
    expect(q.latest('user:1')).toBe(second.id);
    await q.flush();
    expect(rec.payloads()).toEqual([['x', 'v2', 'plain']]);
    expect(q.latest('user:1')).toBeUndefined(); // delivered, so no longer pending
  });

  test('never replaces an entry in flight: both are delivered, in order, in separate batches', async () => {
    w = world();
    const gate = deferred();
    const rec = recordingHandler<string>(async (e) => {
      if (e.payload === 'v1') await gate.promise;
      return { status: 'done' };
    });
    const q = w.queue<string>({ handler: rec.handler });
    await q.enqueue('v1', { coalesceKey: 'k' });
    const flushing = q.flush();
    await w.clock.advance(0);
    expect(rec.payloads()).toEqual([['v1']]); // v1 is in flight
    const v2 = await q.enqueue('v2', { coalesceKey: 'k' });
    expect((await q.list()).map((e) => e.payload)).toEqual(['v1', 'v2']); // v1 was not deleted
    gate.resolve();
    const report = await flushing;
    expect(rec.payloads()).toEqual([['v1'], ['v2']]);
    expect(report).toEqual({ ran: true, handled: 2 });
    expect(await q.size()).toBe(0);
    expect(v2.coalesceKey).toBe('k');
  });

  test('an in-flight entry that comes back as `retry` is superseded by the newer one instead of retried', async () => {
    w = world();
    const gate = deferred();
    const rec = recordingHandler<string>(async (e) => {
      if (e.payload === 'v1') {
        await gate.promise;
        return { status: 'retry', error: new Error('offline') };
      }
      return { status: 'done' };
    });
    const q = w.queue<string>({ handler: rec.handler });
    const events = collect(q);
    const v1 = await q.enqueue('v1', { coalesceKey: 'k' });
    const flushing = q.flush();
    await w.clock.advance(0);
    const v2 = await q.enqueue('v2', { coalesceKey: 'k' });
    gate.resolve();
    await flushing;
    expect(rec.payloads()).toEqual([['v1'], ['v2']]); // v2 immediately, no backoff wait for the stale v1
    expect(events.find((e) => e.type === 'superseded')).toMatchObject({ entry: { id: v1.id }, by: v2.id });
    expect(events.some((e) => e.type === 'retry-scheduled')).toBe(false);
    expect(await q.size()).toBe(0);
  });

  test('duplicates written without knowledge of each other (same-tick prepares) collapse at flush time', async () => {
    w = world();
    const rec = recordingHandler<string>();
    const q = w.queue<string>({ handler: rec.handler });
    const p1 = await q.prepare('v1', { coalesceKey: 'k' });
    const p2 = await q.prepare('v2', { coalesceKey: 'k' });
    expect(p2.replaces).toBeUndefined(); // p1 was not committed when p2 was prepared
    await w.driver.batch([...p1.ops, ...p2.ops]);
    q.committed([p1, p2]);
    const events = collect(q);
    await q.flush();
    expect(rec.payloads()).toEqual([['v2']]);
    expect(events.find((e) => e.type === 'superseded')).toMatchObject({ entry: { id: p1.entry.id }, by: p2.entry.id });
  });
});

describe('prepare + the caller\'s own batch', () => {
  test('data and entry commit together', async () => {
    w = world();
    const q = w.queue<{ key: string }>({ handler: recordingHandler<{ key: string }>().handler });
    const events = collect(q);
    const prepared = await q.prepare({ key: 'title' }, { coalesceKey: 'title' });
    expect(prepared.ops).toEqual([{ type: 'put', key: `\u0000q/ops/e/${prepared.entry.id}`, value: expect.objectContaining({ payload: { key: 'title' } }) }]);
    expect(events).toEqual([]); // nothing is announced before the commit
    await w.driver.batch([{ type: 'put', key: 'title', value: 'Hello' }, ...prepared.ops]);
    q.committed(prepared);
    expect(await w.driver.get('title')).toBe('Hello');
    expect((await q.list()).map((e) => e.id)).toEqual([prepared.entry.id]);
    expect(events).toEqual([{ type: 'enqueued', source: 'local', entry: prepared.entry }]);
  });

  test('a failing batch leaves neither the data nor the entry (nor a coalesced deletion)', async () => {
    w = world();
    const q = w.queue<string>({ handler: recordingHandler<string>().handler });
    const older = await q.enqueue('old', { coalesceKey: 'title' });
    const prepared = await q.prepare('new', { coalesceKey: 'title' });
    expect(prepared.replaces).toBe(older.id);
    const ops: DriverOp[] = [{ type: 'put', key: 'title', value: 'Hello' }, ...prepared.ops, { type: 'put', key: 'bad', value: () => 1 }];
    const err = await w.driver.batch(ops).catch((e: unknown) => e);
    expect(isStowageError(err, 'invalid-argument')).toBe(true);
    expect(await w.driver.get('title')).toBeUndefined();
    expect((await q.list()).map((e) => e.payload)).toEqual(['old']); // the older entry is still there
  });

  test('committed() refuses objects it did not prepare, and the same prepared entry twice', async () => {
    w = world();
    const q = w.queue<string>({ handler: recordingHandler<string>().handler });
    const prepared = await q.prepare('x');
    expect(() => q.committed({ ...prepared })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => q.committed([prepared, prepared])).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    await w.driver.batch(prepared.ops);
    q.committed(prepared);
    expect(() => q.committed(prepared)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('limits and bad input', () => {
  test('maxEntries: enqueue past it rejects with quota-exceeded and writes nothing; coalescing still works at the limit', async () => {
    w = world();
    const q = w.queue<string>({ handler: recordingHandler<string>().handler, maxEntries: 2 });
    await q.enqueue('a', { coalesceKey: 'a' });
    await q.enqueue('b');
    const err = await q.enqueue('c').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'quota-exceeded', details: { maxEntries: 2, size: 2 } });
    expect(await q.size()).toBe(2);
    await q.enqueue('a2', { coalesceKey: 'a' }); // replaces, so the queue does not grow
    expect((await q.list()).map((e) => e.payload)).toEqual(['b', 'a2']);
  });

  test('bad enqueue arguments are invalid-argument and write nothing', async () => {
    w = world();
    const q = w.queue<unknown>({ handler: recordingHandler<unknown>().handler });
    const bad: [unknown, unknown][] = [
      [() => 1, undefined], // not structured-cloneable
      [{ fn: Symbol('x') }, undefined],
      [1, { scope: '' }],
      [1, { scope: 5 }],
      [1, { coalesceKey: null }],
      [1, { scop: 'typo' }],
      [1, 'scope'],
    ];
    for (const [payload, opts] of bad) {
      const err = await q.enqueue(payload, opts as never).catch((e: unknown) => e);
      expect(isStowageError(err, 'invalid-argument'), String(opts)).toBe(true);
    }
    expect(await q.size()).toBe(0);
  });

  test('a closed queue rejects with `closed`', async () => {
    w = world();
    const q = w.queue<number>({ handler: recordingHandler<number>().handler });
    await q.close();
    await q.close(); // idempotent
    for (const call of [() => q.enqueue(1), () => q.flush(), () => q.size(), () => q.list(), () => q.deadLetters(), () => q.resetBackoff()]) {
      await expect(call()).rejects.toMatchObject({ code: 'closed' });
    }
  });

  test('a closing or closed queue still prepares: a write committing meanwhile is recorded, and the next queue on the store delivers it', async () => {
    w = world();
    const first = w.queue<number>({ handler: recordingHandler<number>().handler });
    await first.size(); // opened
    const closing = first.close();
    const prepared = await first.prepare(7);
    await closing;
    await w.driver.batch(prepared.ops); // the caller's own transaction
    first.committed(prepared);
    const rec = recordingHandler<number>();
    await w.queue<number>({ handler: rec.handler }).flush();
    expect(rec.payloads()).toEqual([[7]]);
  });

  test('a driver that cannot open makes enqueue reject with its error, and a later call tries again', async () => {
    const driver = memoryDriver();
    let failures = 1;
    const flaky = wrapDriver(driver, {
      open: async () => {
        if (failures-- > 0) throw new DOMException('blocked', 'UnknownError');
        return driver.open();
      },
    });
    w = world(flaky);
    const q = w.queue<number>({ handler: recordingHandler<number>().handler });
    await expect(q.enqueue(1)).rejects.toMatchObject({ code: 'unavailable' });
    await q.enqueue(2);
    expect((await q.list()).map((e) => e.payload)).toEqual([2]);
  });
});
