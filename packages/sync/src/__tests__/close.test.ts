import { describe, expect, it } from 'vitest';
import { memoryDriver } from '@stowage/core';
import { fakeClock, settle } from '@stowage/test-utils';
import { memoryRemote } from '../memory-remote.js';
import type { MemoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';

describe('close() while a push is in flight', () => {
  it('a merge that push decides still gets its outbox entry, and the next start pushes it (the simulator found it lost)', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const merge = (_k: string, l: { value?: unknown }, r: { value?: unknown }) => `${String(l.value)}+${String(r.value)}`;
    const b = client(remote, clock, { conflict: merge });
    await b.sync.ready();
    await b.storage.set('k', 'b');
    await b.sync.flush();
    // The app closes A's sync (e.g. swapping it after an unlock) just as its push's answer arrives.
    const state: { closing?: Promise<void> } = {};
    const closingOnAnswer: MemoryRemote = {
      ...remote,
      push: async (...args) => {
        const outcomes = await remote.push(...args);
        state.closing ??= a.sync.close();
        return outcomes;
      },
    };
    const driver = memoryDriver();
    const a = client(closingOnAnswer, clock, { conflict: merge, driver });
    await a.sync.ready();
    await a.storage.set('k', 'a'); // its push meets B's value: a conflict, merged
    await settle();
    await state.closing;
    const restarted = client(remote, clock, { conflict: merge, driver });
    await restarted.sync.ready();
    await restarted.sync.flush();
    await restarted.sync.pull();
    expect(remote.peek('k')?.value).toBe('a+b');
    expect(await restarted.storage.get('k')).toBe('a+b');
  });
});
