// Issue 25 item 6: clear() of a synced namespace deletes the cloud copy — and every other device's
// — and says so: the engine emits `deletes-queued` with the keys whose cloud copies go.
import { cleanExpired } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { fakeClock } from '@stowage/test-utils';
import type { SyncEvent } from '../index.js';
import { memoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';

const queued = (events: SyncEvent[]) => events.flatMap((e) => (e.type === 'deletes-queued' ? [e.keys] : []));

describe('destructive operations of a synced namespace', () => {
  it('clear() emits deletes-queued with every key; the push deletes the cloud copies and another device loses them at its pull', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const a = client(remote, clock);
    const b = client(remote, clock);
    await a.sync.ready();
    await b.sync.ready();
    await a.storage.setMany({ n1: 'one', n2: 'two', n3: 'three' });
    await a.sync.flush();
    await b.sync.pull();
    expect(await b.storage.keys()).toEqual(['n1', 'n2', 'n3']);
    expect(queued(a.events)).toEqual([]);

    await a.storage.clear();
    expect(queued(a.events)).toEqual([['n1', 'n2', 'n3']]);
    await a.sync.flush();
    for (const key of ['n1', 'n2', 'n3']) expect(remote.peek(key)).toMatchObject({ deleted: true });
    const seenByB: unknown[] = [];
    b.storage.subscribe((e) => seenByB.push(e));
    await b.sync.pull();
    expect(await b.storage.keys()).toEqual([]);
    expect(seenByB).toEqual(['n1', 'n2', 'n3'].map((key) => ({ type: 'remove', key, source: 'remote', reason: 'removed' })));
    // The device that only pulled the deletions queued none of its own.
    expect(queued(b.events)).toEqual([]);
  });

  it('remove() and a batch\'s removes name their keys (also one set, then removed, in the batch); writes do not', async () => {
    const clock = fakeClock();
    const c = client(memoryRemote({ clock }), clock);
    await c.sync.ready();
    await c.storage.setMany({ a: 1, b: 2, c: 3 });
    await c.storage.remove('a');
    await c.storage.batch([{ type: 'remove', key: 'b' }, { type: 'set', key: 'c', value: 30 }, { type: 'set', key: 'd', value: 4 }, { type: 'remove', key: 'd' }]);
    expect(queued(c.events)).toEqual([['a'], ['b', 'd']]);
  });

  it('expiry is no delete of the cloud copy: an expired key swept locally queues nothing', async () => {
    const clock = fakeClock();
    const c = client(memoryRemote({ clock }), clock);
    await c.sync.ready();
    await c.storage.set('flash', 'soon gone', { ttl: 1000 });
    await clock.advance(1001);
    expect(await cleanExpired(c.storage)).toBe(1);
    expect(queued(c.events)).toEqual([]);
  });
});
