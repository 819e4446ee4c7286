import { describe, expect, it } from 'vitest';
import { createKernel, createStorage, memoryDriver, addCommitHook, getRecord, increment, update, RESERVED, StowageError } from '@stowage/core';
import type { CommitChange, Driver, DriverOp, StorageEvent } from '@stowage/core';
import { broadcastHub, fakeClock, spyDriver, xorCipher } from './helpers.js';

/** Two storages over one store, as two tabs; `a`'s next batch writing `key` first lets `action` run. */
function tabs() {
  const clock = fakeClock(); // never advanced: every write lands in the same millisecond
  const store = memoryDriver();
  const bus = broadcastHub();
  let pending: { key: string; action: () => Promise<void> } | undefined;
  const driver: Driver = Object.assign(spyDriver(store), {
    before: async (ops: readonly DriverOp[]) => {
      const p = pending;
      if (!p || !ops.some((op) => op.type === 'put' && op.key === `stowage:${p.key}`)) return;
      pending = undefined;
      await p.action();
    },
  });
  const common = { clock, broadcast: bus, encryption: xorCipher(7) };
  const a = createStorage({ ...common, driver });
  const b = createStorage({ ...common, driver: store });
  return { clock, store, a, b, beforeWrite: (key: string, action: () => Promise<void>) => (pending = { key, action }) };
}

describe('increment', () => {
  it('counts from an absent key, by 1 or by any finite number, and resolves to the new value', async () => {
    const s = createStorage({ broadcast: false });
    expect(await increment(s, 'n')).toBe(1);
    expect(await increment(s, 'n')).toBe(2);
    expect(await increment(s, 'n', 5)).toBe(7);
    expect(await increment(s, 'n', -2.5)).toBe(4.5);
    expect(await s.get('n')).toBe(4.5);
  });

  it('refuses a key holding a non-number, and a bad step, with invalid-argument, leaving the value', async () => {
    const s = createStorage({ broadcast: false });
    await s.set('t', 'text');
    await s.set('o', { n: 1 });
    await expect(increment(s, 't')).rejects.toMatchObject({ code: 'invalid-argument', details: { key: 't' } });
    await expect(increment(s, 'o')).rejects.toBeInstanceOf(StowageError);
    for (const by of [Number.NaN, Infinity, '1' as unknown as number]) await expect(increment(s, 'n', by)).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await s.get('t')).toBe('text');
    expect(await s.has('n')).toBe(false);
  });

  it('a hundred concurrent increments in one tab all count (a synchronous fn runs in the write lane)', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, broadcast: false });
    await Promise.all(Array.from({ length: 100 }, () => increment(s, 'n')));
    expect(await s.get('n')).toBe(100);
    expect(driver.batches).toHaveLength(100); // none was lost and retried: they queued
  });
});

describe('update', () => {
  it('stores what fn returns, removes the key when it returns undefined, and reads an expired key as absent', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false });
    expect(await update(s, 'list', (v: number[] | undefined) => [...(v ?? []), 1])).toEqual([1]);
    expect(await update(s, 'list', (v: number[] | undefined) => [...(v ?? []), 2])).toEqual([1, 2]);
    expect(await update(s, 'list', () => undefined)).toBeUndefined();
    expect(await s.has('list')).toBe(false);
    expect(await update(s, 'never', () => undefined)).toBeUndefined();
    await s.set('t', 41, { ttl: 10 });
    await clock.advance(10);
    expect(await update(s, 't', (v) => (v === undefined ? 'fresh' : 'stale'))).toBe('fresh');
  });

  it('rethrows the error fn throws as it is, and refuses what is not a function or a key', async () => {
    const s = createStorage({ broadcast: false });
    const mine = new Error('app says no');
    await expect(update(s, 'k', () => { throw mine; })).rejects.toBe(mine);
    await expect(update(s, 'k', async () => { throw mine; })).rejects.toBe(mine);
    await expect(update(s, 'k', 'nope' as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(update(s, '' as string, () => 1)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(update(s, 'k', () => () => 1)).rejects.toMatchObject({ code: 'invalid-argument' }); // not storable
    expect(await s.has('k')).toBe(false);
  });

  it('keeps the key’s expiry and encryption (a new key gets the defaults)', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false, encryption: xorCipher(3) });
    await s.set('n', 1, { ttl: 1000, encrypt: true });
    const at = (await getRecord(s, 'n'))?.expiresAt;
    await clock.advance(500);
    expect(await increment(s, 'n')).toBe(2);
    const r = await getRecord(s, 'n');
    expect(r?.expiresAt).toBe(at);
    expect(r?.codecs).toContain('xor');
    await clock.advance(500);
    expect(await s.has('n')).toBe(false);
    await increment(s, 'm');
    expect((await getRecord(s, 'm'))?.codecs).toEqual([]);
    expect((await getRecord(s, 'm'))?.expiresAt).toBeUndefined();
  });

  it('an async fn runs outside the lane; concurrent async updates in one tab retry and all count', async () => {
    const s = createStorage({ broadcast: false });
    let calls = 0;
    const add = () => update(s, 'n', async (v: number | undefined) => {
      calls++;
      await new Promise((r) => setTimeout(r, 1));
      return (v ?? 0) + 1;
    });
    await Promise.all(Array.from({ length: 10 }, add));
    expect(await s.get('n')).toBe(10);
    expect(calls).toBeGreaterThan(10); // some read a value another one replaced meanwhile, and ran again
  });

  it('reaches commit hooks (the sync outbox) and subscribers like any set', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, broadcast: false });
    const hooked: CommitChange[] = [];
    const events: StorageEvent[] = [];
    addCommitHook(s, { ops: (cs) => (hooked.push(...cs), cs.map((c) => ({ type: 'put', key: `${RESERVED}outbox/${c.key}`, value: 1 }) as DriverOp)) });
    s.subscribe((e) => events.push(e));
    await increment(s, 'n');
    expect(hooked.map((c) => `${c.type}:${c.key}`)).toEqual(['put:n']);
    expect(driver.batches[0]?.map((op) => `${op.type} ${op.key.replace(RESERVED, '\\0')}`)).toEqual(['check stowage:n', 'put stowage:n', 'put \\0outbox/n']);
    expect(events).toMatchObject([{ type: 'set', key: 'n', source: 'local' }]);
  });

  it('works on a bare kernel (no codecs, no expiry layer)', async () => {
    const s = createKernel({ driver: memoryDriver() });
    expect(await increment(s, 'n', 3)).toBe(3);
    expect(await update(s, 'n', (v: number | undefined) => (v ?? 0) * 2)).toBe(6);
  });
});

describe('update against another tab', () => {
  it('another tab incrementing between the read and the commit is not lost, even in the same millisecond', async () => {
    const { a, b, beforeWrite } = tabs();
    await a.set('n', 5);
    beforeWrite('n', async () => {
      expect(await increment(b, 'n')).toBe(6); // same size, same timestamps as the 5 a read: only the value differs
    });
    expect(await increment(a, 'n')).toBe(7);
    expect(await b.get('n')).toBe(7);
  });

  it('another tab creating the key between the read and the commit is not overwritten', async () => {
    const { a, b, beforeWrite } = tabs();
    beforeWrite('n', () => b.set('n', 10));
    expect(await increment(a, 'n')).toBe(11);
  });

  it('an async fn is run again on the value another tab wrote meanwhile', async () => {
    const { a, b, beforeWrite } = tabs();
    await a.set('tags', ['x']);
    beforeWrite('tags', () => b.set('tags', ['x', 'from-b']));
    const seen: unknown[] = [];
    const out = await update(a, 'tags', async (v: string[] | undefined) => (seen.push(v), [...(v ?? []), 'from-a']));
    expect(out).toEqual(['x', 'from-b', 'from-a']);
    expect(seen).toEqual([['x'], ['x', 'from-b']]);
  });

  it('two tabs incrementing at once, 200 times each, count 400', async () => {
    const { a, b } = tabs();
    const run = (s: typeof a) => Promise.all(Array.from({ length: 200 }, () => increment(s, 'n')));
    await Promise.all([run(a), run(b)]);
    expect(await a.get('n')).toBe(400);
  });
});
