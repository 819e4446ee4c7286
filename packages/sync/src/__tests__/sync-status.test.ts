// status(): reachability as the transport saw it (next to the platform's `online`), and a last
// error that goes with the success that ends it.
import { describe, expect, it } from 'vitest';
import { memoryDriver, StowageError } from '@stowage/core';
import { fakeClock, settle } from '@stowage/test-utils';
import { memoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';

describe('sync status', () => {
  it('a transport failure: online still true, reachable false, the error kept; a success clears it and says so in a status event', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const c = client(remote, clock);
    await c.sync.ready();
    expect(await c.sync.status()).toMatchObject({ online: true, reachable: true, lastError: undefined });
    remote.faults.failNext(1, new StowageError('unavailable', 'pull: cannot reach the endpoint (connection refused)'));
    await expect(c.sync.pull()).rejects.toMatchObject({ code: 'unavailable' });
    expect(await c.sync.status()).toMatchObject({ online: true, reachable: false, lastError: { message: 'pull: cannot reach the endpoint (connection refused)' } });
    await c.sync.pull();
    expect(await c.sync.status()).toMatchObject({ online: true, reachable: true, lastError: undefined });
    expect(c.events.filter((e) => e.type === 'status').at(-1)).toMatchObject({ status: { reachable: true, lastError: undefined } });
  });

  it("a push error goes once the outbox is empty, though another tab delivered it; a pull error stays", async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const driver = memoryDriver();
    const a = client(remote, clock, { driver });
    await a.sync.ready();
    remote.faults.failNext(1);
    await a.storage.set('k', 1);
    await a.sync.flush().catch(() => undefined);
    expect((await a.sync.status()).lastError?.code).toBe('unavailable');
    a.online.set(false); // A's queue pauses: only B can deliver the change
    await clock.advance(60_000); // past the entry's backoff, which B's queue honours too
    const b = client(remote, clock, { driver });
    await b.sync.ready();
    await b.sync.flush();
    expect((await b.sync.status()).pending).toBe(0);
    expect(await a.sync.status()).toMatchObject({ pending: 0, lastError: undefined });

    a.online.set(true);
    await settle(); // A's reconnection flush and pull
    remote.faults.failNext(1);
    await expect(a.sync.pull()).rejects.toMatchObject({ code: 'unavailable' });
    expect(await a.sync.status()).toMatchObject({ pending: 0, lastError: { code: 'unavailable' } });
  });
});
