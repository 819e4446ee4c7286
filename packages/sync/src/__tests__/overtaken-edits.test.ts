import { describe, expect, it } from 'vitest';
import { memoryDriver, memoryLocks, StowageError } from '@stowage/core';
import type { Driver } from '@stowage/core';
import { fakeClock, memoryBus, settle } from '@stowage/test-utils';
import type { FakeClock } from '@stowage/test-utils';
import { compareHlc } from '../index.js';
import type { ConflictStrategy } from '../index.js';
import { memoryRemote, type MemoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';
import type { Client } from './sync-clients.js';

/*
 * An edit that lost a conflict decided by a pull must never reach the cloud afterwards: not from
 * another context of the device (tab, service worker), not after a reload. And a push never sends a
 * value under a revision older than the one it goes on top of (the cloud's revisions only move on).
 * Issue 26's three reproductions, on the memory remote.
 */

/** A remote whose calls fail with `unavailable` while `cut` (one context's partition). */
function partitionable(remote: MemoryRemote): MemoryRemote & { cut: boolean } {
  const p = { ...remote, cut: false };
  const guard = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    if (p.cut) throw new StowageError('unavailable', 'partitioned');
    return fn(...a);
  };
  return Object.assign(p, { push: guard(remote.push), pull: guard(remote.pull), apply: guard(remote.apply) });
}

/** Device A with two contexts over one store (A1 behind its own partition), and devices B and C. */
async function world(conflict: ConflictStrategy, driver: Driver = memoryDriver()) {
  const clock = fakeClock();
  const remote = memoryRemote({ clock });
  const link1 = partitionable(remote);
  const same = { driver, locks: memoryLocks(), broadcast: memoryBus(), conflict };
  const a1 = client(link1, clock, same);
  const a2 = client(remote, clock, same);
  const b = client(remote, clock, { conflict });
  const c = client(remote, clock, { conflict });
  await Promise.all([a1, a2, b, c].map((x) => x.sync.ready()));
  await b.storage.set('k', 'b0');
  await b.sync.flush();
  await a2.sync.pull();
  await c.sync.pull();
  return { clock, remote, link1, a1, a2, b, c, same };
}

/** Pushes, pulls and flushes everyone until quiet, then the value each holds and the cloud's. */
async function converge(clock: FakeClock, remote: MemoryRemote, ...devices: Client[]): Promise<{ cloud: unknown; local: unknown[] }> {
  for (let round = 0; round < 3; round++) {
    await clock.advance(120_000); // past every backoff
    for (const d of devices) {
      await d.sync.flush();
      await d.sync.pull();
    }
  }
  const doc = remote.peek('k');
  return { cloud: doc?.deleted ? 'deleted' : doc?.value, local: await Promise.all(devices.map(async (d) => ((await d.storage.has('k')) ? d.storage.get('k') : 'deleted'))) };
}

const edits = [
  ['removes', (s: Client) => s.storage.remove('k')],
  ['sets', (s: Client) => s.storage.set('k', 'a1')],
] as const;

describe('an edit that lost a pull\'s conflict is never pushed afterwards', () => {
  describe.each(['remote-wins', 'last-write-wins'] as const)('%s', (conflict) => {
    it.each(edits)('two tabs: A1 %s k behind a partition, B writes later, A2 pulls — A1 does not push its edit when the partition ends', async (_, edit) => {
      const { clock, remote, link1, a1, a2, b } = await world(conflict);
      link1.cut = true;
      await clock.advance(1000);
      await edit(a1);
      await a1.sync.flush().catch(() => undefined); // refused: the entry waits with a backoff
      a2.online.set(false); // A2 stays out of the outbox's way: A1 is the one to drain it
      await clock.advance(20);
      await b.storage.set('k', 'b1');
      await b.sync.flush();
      const bRev = remote.peek('k')?.hlc as string;
      await a2.sync.pull(); // the conflict: B's later value wins
      expect(await a2.storage.get('k')).toBe('b1');
      link1.cut = false;
      await clock.advance(120_000);
      await a1.sync.flush();
      expect(remote.peek('k')).toMatchObject({ value: 'b1', deleted: false, hlc: bRev });
      a2.online.set(true);
      expect(await converge(clock, remote, a1, a2, b)).toEqual({ cloud: 'b1', local: ['b1', 'b1', 'b1'] });
    });

    it.each(edits)('one tab, a reload: A %s k offline, B writes later, A pulls, reloads — the new engine does not push the edit', async (_, edit) => {
      const driver = memoryDriver();
      const { clock, remote, a1, a2, b, same } = await world(conflict, driver);
      await a1.sync.close(); // one context only: A2 is the app
      a2.online.set(false);
      await clock.advance(1000);
      await edit(a2);
      await clock.advance(20);
      await b.storage.set('k', 'b1');
      await b.sync.flush();
      const bRev = remote.peek('k')?.hlc as string;
      await a2.sync.pull();
      expect(await a2.storage.get('k')).toBe('b1');
      await a2.sync.close(); // the reload: nothing in memory survives it
      const reloaded = client(remote, clock, same);
      await reloaded.sync.ready();
      await reloaded.sync.flush();
      expect(remote.peek('k')).toMatchObject({ value: 'b1', deleted: false, hlc: bRev }); // not even B's value under A's older revision
      expect(await converge(clock, remote, reloaded, b)).toEqual({ cloud: 'b1', local: ['b1', 'b1'] });
    });
  });

  it('two tabs, then last-write-wins: A1\'s lost edit does not take the cloud\'s revision back in time, so C\'s older offline write cannot beat B\'s newer one', async () => {
    const { clock, remote, link1, a1, a2, b, c } = await world('last-write-wins');
    link1.cut = true;
    await clock.advance(1000);
    await a1.storage.set('k', 'a1');
    await a1.sync.flush().catch(() => undefined);
    a2.online.set(false);
    c.online.set(false);
    await clock.advance(1000);
    await c.storage.set('k', 'c1'); // offline, older than B's
    await clock.advance(1000);
    await b.storage.set('k', 'b1');
    await b.sync.flush();
    const bRev = remote.peek('k')?.hlc as string;
    await a2.sync.pull();
    link1.cut = false;
    await clock.advance(120_000);
    await a1.sync.flush();
    expect(compareHlc(remote.peek('k')?.hlc as string, bRev)).toBeGreaterThanOrEqual(0);
    c.online.set(true);
    a2.online.set(true);
    expect(await converge(clock, remote, a1, a2, b, c)).toEqual({ cloud: 'b1', local: ['b1', 'b1', 'b1', 'b1'] });
  });

  it('the service worker: the page\'s edit that lost the page\'s pull is not pushed by the worker\'s flush', async () => {
    const { clock, remote, a1: worker, a2: page, b } = await world('remote-wins');
    worker.online.set(false);
    page.online.set(false);
    await clock.advance(1000);
    await page.storage.remove('k');
    await clock.advance(20);
    await b.storage.set('k', 'b1');
    await b.sync.flush();
    await page.sync.pull();
    worker.online.set(true); // Background Sync wakes the worker, which drains the shared outbox
    await settle(10);
    await worker.sync.flush();
    expect(remote.peek('k')).toMatchObject({ value: 'b1', deleted: false });
  });
});

describe('a push never sends a value under a revision older than the one it goes on top of', () => {
  /** A edits k offline, B edits it later and pushes, then A syncs. */
  async function apart(conflict: ConflictStrategy, aFirst: 'pull' | 'flush') {
    const { clock, remote, a1, a2, b } = await world(conflict);
    await a1.sync.close();
    a2.online.set(false);
    await clock.advance(1000);
    await a2.storage.set('k', 'a1');
    await clock.advance(1000);
    await b.storage.set('k', 'b1');
    await b.sync.flush();
    const bRev = remote.peek('k')?.hlc as string;
    if (aFirst === 'pull') await a2.sync.pull();
    a2.online.set(true);
    await settle(10);
    await a2.sync.flush();
    return { clock, remote, a: a2, b, bRev };
  }

  it.each(['pull', 'flush'] as const)('local-wins (decided at %s): A\'s value goes on top of B\'s revision with a later one, and everyone converges on it', async (first) => {
    const { clock, remote, a, b, bRev } = await apart('local-wins', first);
    expect(remote.peek('k')?.value).toBe('a1');
    expect(compareHlc(remote.peek('k')?.hlc as string, bRev)).toBeGreaterThan(0);
    expect(await converge(clock, remote, a, b)).toEqual({ cloud: 'a1', local: ['a1', 'a1'] });
  });

  it.each(['pull', 'flush'] as const)('a merge (decided at %s) goes on top of B\'s revision with a later one', async (first) => {
    const merge = (_k: string, l: { value?: unknown }, r: { value?: unknown }) => `${String(l.value)}+${String(r.value)}`;
    const { clock, remote, a, b, bRev } = await apart(merge, first);
    expect(remote.peek('k')?.value).toBe('a1+b1');
    expect(compareHlc(remote.peek('k')?.hlc as string, bRev)).toBeGreaterThan(0);
    expect(await converge(clock, remote, a, b)).toEqual({ cloud: 'a1+b1', local: ['a1+b1', 'a1+b1'] });
  });
});
