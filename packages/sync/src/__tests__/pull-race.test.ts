import { describe, expect, it } from 'vitest';
import { memoryDriver, RESERVED } from '@stowage/core';
import type { Driver, DriverOp } from '@stowage/core';
import { fakeClock, interceptBatches } from '@stowage/test-utils';
import { memoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';
import type { Client } from './sync-clients.js';

/*
 * Issue 27: a local write that commits while a pull is deciding what to apply is never
 * overwritten by the pulled state (and so never pushed back to the cloud under its own revision).
 * The write is slipped in deterministically at the two moments that matter: while the pull reads
 * the outbox (by the pulling tab itself), and just before the pull's own commit (by another tab of
 * the device: the pulling tab's own writes wait for that commit).
 */

const KEYS = 300;
const LAST = `k${KEYS - 1}`;

/** A driver that runs `during` (once) when the outbox's pending entries are listed. */
function duringOutboxListing(inner: Driver, during: () => Promise<void>): Driver & { armed: boolean } {
  const d = Object.assign(Object.create(inner) as Driver, { armed: false });
  for (const m of ['open', 'get', 'getMany', 'batch', 'keys', 'clear', 'close'] as const) {
    (d as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  }
  d.entries = async (prefix, options) => {
    const out = await inner.entries(prefix, options);
    if (d.armed && prefix.startsWith(`${RESERVED}q/`)) {
      d.armed = false;
      await during();
    }
    return out;
  };
  return d;
}

/** A driver that runs `before` (once) ahead of the batch applying pulled state (it writes a revision). */
function beforePullCommit(inner: Driver, before: () => Promise<void>): Driver & { armed: boolean } {
  const state = { armed: false };
  const d = interceptBatches(inner, async (ops: readonly DriverOp[]) => {
    if (state.armed && ops.some((op) => op.type === 'put' && op.key.startsWith(`${RESERVED}sync/app/rev/`))) {
      state.armed = false;
      await before();
    }
  });
  return Object.defineProperty(d, 'armed', { get: () => state.armed, set: (v: boolean) => void (state.armed = v) }) as Driver & { armed: boolean };
}

type Write = [name: string, write: (a: Client) => Promise<void>, expected: unknown, known: boolean];
const writes: Write[] = [
  ['sets a key it does not have yet', (a) => a.storage.set(LAST, 'mine'), 'mine', false],
  ['sets a key it already had', (a) => a.storage.set(LAST, 'mine'), 'mine', true],
  ['removes a key it does not have yet', (a) => a.storage.remove(LAST), 'deleted', false],
];
const moments = [
  ['while the pull reads the outbox, in the pulling tab', duringOutboxListing, false],
  ['just before the pull commits, in another tab', beforePullCommit, true],
] as const;

describe('a local write made while a pull of 300 documents decides is not overwritten by it', () => {
  describe.each(moments)('%s', (_, wrap, otherTab) => {
    it.each(writes)('A %s', async (_name, write, expected, known) => {
      const clock = fakeClock();
      const remote = memoryRemote({ clock });
      const b = client(remote, clock);
      await b.sync.ready();
      if (known) {
        await b.storage.set(LAST, 'b0');
        await b.sync.flush();
      }
      const store = memoryDriver();
      const tabs: { writer?: Client } = {};
      const driver = wrap(store, () => write(tabs.writer as Client));
      const a = client(remote, clock, { driver });
      tabs.writer = otherTab ? client(remote, clock, { driver: store }) : a;
      await Promise.all([a.sync.ready(), tabs.writer.sync.ready()]);
      if (known) await a.sync.pull();
      await clock.advance(1000);
      await b.storage.setMany(Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`k${i}`, `b${i}`])));
      await b.sync.flush();
      await clock.advance(1000); // A writes later than B: last-write-wins keeps A's write
      driver.armed = true;
      await a.sync.pull();
      expect(driver.armed).toBe(false); // the write did happen inside the pull
      const local = async (c: Client): Promise<unknown> => ((await c.storage.has(LAST)) ? c.storage.get(LAST) : 'deleted');
      expect(await local(a)).toBe(expected);
      expect(await a.storage.get('k0')).toBe('b0'); // the rest of the page was applied
      await a.sync.flush();
      const doc = remote.peek(LAST);
      expect(doc?.deleted ? 'deleted' : doc?.value).toBe(expected);
      await b.sync.pull();
      expect(await local(b)).toBe(expected);
      expect(await local(a)).toBe(expected);
    });
  });
});
