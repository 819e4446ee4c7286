// status() across a reload: lastSyncAt, the last error and the counts are stored with the checkpoint
// and read back by a new engine over the same driver (a reload, or another context).
import { describe, expect, it } from 'vitest';
import { memoryDriver, RESERVED, StowageError } from '@stowage/core';
import { fakeClock } from '@stowage/test-utils';
import { applyStatusChange, parseStatus } from '../persisted-status.js';
import { memoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';

describe('sync status survives a reload', () => {
  it('lastSyncAt and the counts (pushed, pulled, conflicts) come back in a new engine over the same driver', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const driver = memoryDriver();
    const a = client(remote, clock, { driver });
    const b = client(remote, clock);
    await a.sync.ready();
    await b.sync.ready();
    await a.storage.set('x', 1);
    await a.storage.set('y', 2);
    await a.sync.flush(); // pushed 2
    await b.storage.set('z', 3);
    await b.sync.flush();
    expect(await a.sync.pull()).toBe(1); // pulled z (x and y are A's own)
    a.online.set(false);
    await a.storage.set('k', 'from a'); // pending here …
    await clock.advance(10);
    await b.storage.set('k', 'from b, later'); // … while B writes it later
    await b.sync.flush();
    expect(await a.sync.pull()).toBe(1); // a conflict, last-write-wins: B's value
    expect(await a.storage.get('k')).toBe('from b, later');
    const before = await a.sync.status();
    expect(before.counts).toEqual({ pushed: 2, pulled: 2, conflicts: 1 });
    expect(before.lastSyncAt).toBe(clock.now());
    await a.sync.close();

    await clock.advance(60_000);
    const reloaded = client(remote, clock, { driver });
    await reloaded.sync.ready();
    const after = await reloaded.sync.status();
    expect(after).toMatchObject({ lastSyncAt: before.lastSyncAt, counts: before.counts, lastError: undefined });
  });

  it('the last error comes back after a reload (code, message, operation) until a success clears it, for the next reload too', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const driver = memoryDriver();
    const a = client(remote, clock, { driver });
    await a.sync.ready();
    remote.faults.failNext(1, new StowageError('unavailable', 'pull: cannot reach the Firestore endpoint 127.0.0.1:8080 (connection refused)'));
    await expect(a.sync.pull()).rejects.toMatchObject({ code: 'unavailable' });
    await a.sync.close();

    const second = client(remote, clock, { driver });
    await second.sync.ready();
    const shown = await second.sync.status();
    expect(shown.lastError).toBeInstanceOf(StowageError);
    expect(shown.lastError).toMatchObject({ code: 'unavailable', message: 'pull: cannot reach the Firestore endpoint 127.0.0.1:8080 (connection refused)', details: { operation: 'pull', restored: true } });
    await second.sync.pull();
    expect((await second.sync.status()).lastError).toBeUndefined();
    await second.sync.close();

    const third = client(remote, clock, { driver });
    await third.sync.ready();
    expect((await third.sync.status()).lastError).toBeUndefined();
  });

  it('the status is written in the same batch as the pull checkpoint', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const b = client(remote, clock);
    await b.sync.ready();
    await b.storage.set('k', 1);
    await b.sync.flush();
    const a = client(remote, clock);
    await a.sync.ready();
    a.driver.batches.length = 0;
    await a.sync.pull();
    const withCheckpoint = a.driver.batches.filter((ops) => ops.some((o) => o.key === `${RESERVED}sync/app/checkpoint`));
    expect(withCheckpoint).toHaveLength(1);
    expect(withCheckpoint[0]!.map((o) => o.key)).toContain(`${RESERVED}sync/app/status`);
  });

  it('two contexts of one device (a page and its service worker) add to the same counts', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const driver = memoryDriver();
    const page = client(remote, clock, { driver });
    const worker = client(remote, clock, { driver });
    await page.sync.ready();
    await worker.sync.ready();
    await page.storage.set('p', 1);
    await page.sync.flush();
    await worker.storage.set('w', 1);
    await worker.sync.flush();
    expect((await page.sync.status()).counts.pushed).toBe(2);
    expect((await worker.sync.status()).counts.pushed).toBe(2);
  });

  it('a stored status that is not one (foreign, from a newer version) reads as nothing; counts only add', () => {
    expect(parseStatus('garbage')).toEqual({ counts: { pushed: 0, pulled: 0, conflicts: 0 } });
    expect(parseStatus({ counts: { pushed: -1, pulled: 1.5, conflicts: 2 }, lastSyncAt: 'x', lastError: { code: 'unavailable' } })).toEqual({ counts: { pushed: 0, pulled: 0, conflicts: 2 } });
    const s = applyStatusChange({ lastSyncAt: 10, counts: { pushed: 1, pulled: 0, conflicts: 0 } }, { lastSyncAt: 5, counts: { pulled: 3 } });
    expect(s).toEqual({ lastSyncAt: 10, counts: { pushed: 1, pulled: 3, conflicts: 0 } });
  });
});
