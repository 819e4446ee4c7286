import { describe, expect, it } from 'vitest';
import { increment, removeOlderThan, update } from '@stowage/core';
import { fakeClock } from '@stowage/test-utils';
import { memoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';

// update/increment and removeOlderThan commit through the storage's commit chain: the sync outbox
// sees them as it sees set and remove, and another device gets them.
describe('core write functions reach the cloud', () => {
  it('increment and update are pushed; another device pulls their values; removeOlderThan pushes removals', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const a = client(remote, clock);
    const b = client(remote, clock);
    await a.sync.ready();
    await increment(a.storage, 'views');
    await increment(a.storage, 'views', 2);
    await update(a.storage, 'tags', (t: string[] | undefined) => [...(t ?? []), 'new']);
    await a.sync.flush();
    expect(remote.peek('views')?.value).toBe(3);
    await b.sync.pull();
    expect(await b.storage.getMany(['views', 'tags'])).toEqual([3, ['new']]);
    await clock.advance(1000);
    expect(await removeOlderThan(a.storage, 500)).toBe(2);
    await a.sync.flush();
    await b.sync.pull();
    expect(await b.storage.keys()).toEqual([]);
  });
});
