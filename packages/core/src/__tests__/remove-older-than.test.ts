import { describe, expect, it } from 'vitest';
import { addCommitHook, createKernel, expiryLayer, createStorage, memoryDriver, removeOlderThan, update } from '@stowage/core';
import type { CommitChange, Driver, DriverOp, StorageEvent } from '@stowage/core';
import { broadcastHub, dataKeys, fakeClock, spyDriver } from './helpers.js';

describe('removeOlderThan', () => {
  it('removes what was created more than ms ago (a rewrite keeps the creation time) and resolves to how many', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false });
    await s.setMany({ a: 1, b: 2 });
    await clock.advance(1000);
    await s.set('a', 'rewritten');
    await s.set('c', 3);
    expect(await removeOlderThan(s, 500)).toBe(2);
    expect(await s.keys()).toEqual(['c']);
    expect(await removeOlderThan(s, 500)).toBe(0);
  });

  it('by updatedAt: what was last written more than ms ago; exactly ms old stays', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false });
    await s.setMany({ a: 1, b: 2, edge: 0 });
    await clock.advance(400);
    await s.set('edge', 1); // written 600 ms before the cleanup
    await clock.advance(600);
    await s.set('a', 'rewritten');
    expect(await removeOlderThan(s, 600, { by: 'updatedAt' })).toBe(1);
    expect(await s.keys()).toEqual(['a', 'edge']);
    expect(await removeOlderThan(s, 0, { by: 'updatedAt' })).toBe(1); // edge; a was written this millisecond: not older
    await clock.advance(1);
    expect(await removeOlderThan(s, 0)).toBe(1);
    expect(await s.keys()).toEqual([]);
  });

  it('leaves expired keys to the expiry sweep and foreign values (no timestamps) alone; works without an index', async () => {
    const clock = fakeClock();
    const driver = memoryDriver();
    await driver.batch([{ type: 'put', key: 'stowage:legacy', value: 'from idb-keyval' }]);
    for (const s of [createStorage({ clock, driver, broadcast: false }), createKernel({ clock, driver, layers: [expiryLayer()] })]) {
      await s.set('ttl', 1, { ttl: 10 });
      await s.set('old', 1);
      await clock.advance(100);
      expect(await removeOlderThan(s, 50)).toBe(1);
      expect((await dataKeys(driver)).sort()).toEqual(['stowage:legacy', 'stowage:ttl']);
      await s.remove('ttl');
    }
  });

  it('removals reach commit hooks (the sync outbox) and subscribers like remove()', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false });
    const hooked: CommitChange[] = [];
    const events: StorageEvent[] = [];
    await s.set('k', 1);
    addCommitHook(s, { ops: (cs) => (hooked.push(...cs), []) });
    s.subscribe((e) => events.push(e));
    await clock.advance(10);
    await removeOlderThan(s, 5);
    expect(hooked).toMatchObject([{ type: 'delete', key: 'k' }]);
    expect(events).toEqual([{ type: 'remove', key: 'k', source: 'local', reason: 'removed' }]);
  });

  it('a key another tab rewrote after the cleanup read it is kept; the rest still go', async () => {
    const clock = fakeClock();
    const store = memoryDriver();
    const bus = broadcastHub();
    let once = false;
    const b = createStorage({ clock, driver: store, broadcast: bus });
    const driver: Driver = Object.assign(spyDriver(store), {
      before: async (ops: readonly DriverOp[]) => {
        if (once || !ops.some((op) => op.type === 'delete')) return;
        once = true;
        await update(b, 'busy', (v: number | undefined) => (v ?? 0) + 1); // same size: only the timestamps differ
      },
    });
    const a = createStorage({ clock, driver, broadcast: bus });
    await a.setMany({ busy: 1, idle: 1 });
    await clock.advance(1000);
    expect(await removeOlderThan(a, 500, { by: 'updatedAt' })).toBe(1);
    expect(once).toBe(true);
    expect(await a.keys()).toEqual(['busy']);
    expect(await a.get('busy')).toBe(2);
  });

  it('refuses a bad age or option with invalid-argument', async () => {
    const s = createStorage({ broadcast: false });
    for (const ms of [-1, Number.NaN, Infinity, '5' as unknown as number]) await expect(removeOlderThan(s, ms)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(removeOlderThan(s, 5, { by: 'expiresAt' as 'createdAt' })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(removeOlderThan(s, 5, { olderThan: 1 } as never)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
