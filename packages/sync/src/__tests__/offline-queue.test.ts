import { afterEach, describe, expect, it } from 'vitest';
import { memoryDriver, memoryLocks, StowageError } from '@stowage/core';
import { manualOnline } from '@stowage/core/testing';
import type { Driver } from '@stowage/core';
import { fakeClock, memoryBus, settle } from '@stowage/test-utils';
import type { FakeClock } from '@stowage/test-utils';
import { createNetworkMonitor, createOfflineQueue } from '../index.js';
import type { OfflineQueue, OfflineQueueEvent } from '../index.js';
import { memoryRemote, type MemoryRemote } from '../memory-remote.js';

const open: OfflineQueue[] = [];
afterEach(async () => {
  for (const q of open.splice(0)) await q.close();
});

function make(remote: MemoryRemote, clock: FakeClock, driver: Driver = memoryDriver(), net = manualOnline()) {
  const q = createOfflineQueue({ remote, driver, clock, locks: memoryLocks(), broadcast: memoryBus(), network: createNetworkMonitor({ online: net }), random: () => 0.5 });
  open.push(q);
  return { q, net };
}

describe('createOfflineQueue', () => {
  it('persists operations offline, restores them after a reload, and applies them in order on reconnect', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const driver = memoryDriver();
    const first = make(remote, clock, driver, manualOnline(false));
    await first.q.add({ type: 'create', collection: 'todos', id: 't1', data: { title: 'a', done: false } });
    await first.q.add({ type: 'update', collection: 'todos', id: 't1', data: { done: true } });
    await first.q.add({ type: 'increment', collection: 'counters', id: 'c', data: { n: 2 } });
    expect(await first.q.size()).toBe(3);
    await first.q.close();
    // "Reload": a new queue on the same driver finds the operations and applies them once online.
    const second = make(remote, clock, driver, manualOnline(false));
    expect((await second.q.list()).map((o) => `${o.type}:${o.collection}/${o.id}`)).toEqual(['create:todos/t1', 'update:todos/t1', 'increment:counters/c']);
    second.net.set(true);
    await settle(10);
    await second.q.flush();
    expect(remote.readDoc('todos', 't1')).toEqual({ title: 'a', done: true });
    expect(remote.readDoc('counters', 'c')).toEqual({ n: 2 });
    expect(await second.q.size()).toBe(0);
  });

  it('lost acknowledgements never apply an operation twice (creates and increments)', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const { q } = make(remote, clock);
    await q.ready();
    for (let i = 0; i < 20; i++) {
      remote.faults.loseNextAck();
      await q.add({ type: 'increment', collection: 'counters', id: 'hits', data: { n: 1 } });
      await q.flush().catch(() => undefined);
      await clock.advance(60_000);
      await q.flush();
    }
    remote.faults.loseNextAck();
    await q.add({ type: 'create', collection: 'users', id: 'u1', data: { name: 'Ada' } });
    await q.flush().catch(() => undefined);
    await clock.advance(60_000);
    await q.flush();
    expect(remote.readDoc('counters', 'hits')).toEqual({ n: 20 });
    expect(remote.readDoc('users', 'u1')).toEqual({ name: 'Ada' });
    expect(await q.failed()).toEqual([]); // the retried create was a duplicate, not "already exists"
    expect(await q.size()).toBe(0);
  });

  it('a permanently refused operation goes to the failed list; the queue moves on', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const { q } = make(remote, clock);
    const events: OfflineQueueEvent[] = [];
    q.subscribe((e) => events.push(e));
    await q.add({ type: 'update', collection: 'todos', id: 'missing', data: { done: true } });
    await q.add({ type: 'set', collection: 'todos', id: 'ok', data: { done: false } });
    await q.flush();
    await settle();
    const failed = await q.failed();
    expect(failed.map((f) => [f.entry.payload.id, f.error.code])).toEqual([['missing', 'not-found']]);
    expect(remote.readDoc('todos', 'ok')).toEqual({ done: false });
    expect(events.some((e) => e.type === 'failed')).toBe(true);
    expect(events.filter((e) => e.type === 'pending').at(-1)).toEqual({ type: 'pending', size: 0 });
    expect(await q.clear()).toBe(1);
  });

  it('transport failures are retried with backoff until delivered', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const { q } = make(remote, clock);
    remote.faults.failNext(4, new StowageError('unavailable', '503'));
    await q.add({ type: 'set', collection: 'c', id: 'd', data: { v: 1 } });
    for (let i = 0; i < 60 && (await q.size()) > 0; i++) await clock.advance(1000);
    expect(remote.readDoc('c', 'd')).toEqual({ v: 1 });
    expect(remote.calls.apply).toBe(5);
  });

  it('rejects malformed operations before persisting anything', async () => {
    const clock = fakeClock();
    const { q } = make(memoryRemote({ clock }), clock);
    const bad: unknown[] = [
      null,
      { type: 'upsert', collection: 'c', id: 'd', data: {} },
      { type: 'set', collection: '', id: 'd', data: {} },
      { type: 'set', collection: 'c', id: 4, data: {} },
      { type: 'set', collection: 'c', id: 'd' },
      { type: 'delete', collection: 'c', id: 'd', data: { x: 1 } },
      { type: 'increment', collection: 'c', id: 'd', data: { n: 'one' } },
      { type: 'set', collection: 'c', id: 'd', data: { f: () => 1 } },
    ];
    for (const op of bad) await expect(q.add(op as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await q.size()).toBe(0);
  });

  it('collectGarbage deletes remote operation markers older than the retention, and only those', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const { q } = make(remote, clock);
    await q.add({ type: 'increment', collection: 'counters', id: 'old', data: { n: 1 } });
    await q.flush();
    await clock.advance(2 * 3600_000);
    await q.add({ type: 'increment', collection: 'counters', id: 'new', data: { n: 1 } });
    await q.flush();
    expect(await q.collectGarbage(3 * 3600_000)).toBe(0);
    expect(await q.collectGarbage(3600_000)).toBe(1); // the 'old' marker; 'new' is younger than an hour
    expect(remote.calls.purgeOperations).toBe(2);
    expect(await q.collectGarbage()).toBe(0); // default 30 days
    await expect(q.collectGarbage(-1)).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(remote.readDoc('counters', 'old')).toEqual({ n: 1 }); // documents are untouched

    // A remote that keeps no markers: nothing to do.
    const { push, pull, apply } = memoryRemote({ clock });
    const bare = createOfflineQueue({ remote: { push, pull, apply }, driver: memoryDriver(), clock, locks: memoryLocks(), broadcast: memoryBus() });
    open.push(bare);
    expect(await bare.collectGarbage()).toBe(0);
  });
});

describe('taking operations back (cancel, clearOfflineQueue)', () => {
  it('cancels one pending operation, or all of them: they never reach the remote, the rest still do once', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const { q, net } = make(remote, clock, memoryDriver(), manualOnline(false));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await q.add({ type: 'increment', collection: 'stats', id: 'visits', data: { n: 1 } }));
    const one = await q.cancel([ids[1] as string, 'no-such-op']);
    expect(one.cancelled.map((p) => p.opId)).toEqual([ids[1]]);
    expect(one.unknown).toEqual(['no-such-op']);
    expect((await q.list()).map((p) => p.opId)).toEqual([ids[0], ids[2], ids[3]]);
    net.set(true);
    await settle(10);
    await q.flush();
    expect(remote.readDoc('stats', 'visits')).toEqual({ n: 3 });
    net.set(false);
    await q.add({ type: 'increment', collection: 'stats', id: 'visits', data: { n: 1 } });
    await q.add({ type: 'increment', collection: 'stats', id: 'visits', data: { n: 1 } });
    const all = await q.cancel(); // the seed's clearOfflineQueue
    expect(all.cancelled).toHaveLength(2);
    expect(await q.size()).toBe(0);
    net.set(true);
    await settle(10);
    await q.flush();
    expect(remote.readDoc('stats', 'visits')).toEqual({ n: 3 });
  });

  it('an operation whose attempt is in flight is not taken back: the cancel waits and reports it applied', async () => {
    const clock = fakeClock();
    const inner = memoryRemote({ clock });
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const remote: MemoryRemote = { ...inner, apply: async (...args) => { await gate; return inner.apply(...args); } };
    const { q } = make(remote, clock);
    const id = await q.add({ type: 'increment', collection: 'stats', id: 'visits', data: { n: 1 } });
    const flushing = q.flush(); // the apply is on the wire
    await settle();
    const cancelling = q.cancel([id]);
    await settle();
    release();
    const result = await cancelling;
    await flushing;
    expect(result).toEqual({ cancelled: [], applied: [id], failed: [], unknown: [] });
    expect(inner.readDoc('stats', 'visits')).toEqual({ n: 1 });
  });
});
