import { describe, expect, it } from 'vitest';
import { addCommitHook, applyRecords, createStorage, memoryDriver, readRecords, RESERVED, reservedStore, syncPrefix, writesSettled } from '@stowage/core';
import type { CommitChange, Driver } from '@stowage/core';
import { fakeClock, spyDriver, xorCipher } from './helpers.js';

/** Counts the driver reads a storage makes. */
function countingReads(inner: Driver = memoryDriver()): Driver & { reads: string[] } {
  const d = Object.create(inner) as Driver & { reads: string[] };
  d.reads = [];
  d.get = (k) => (d.reads.push(`get ${k}`), inner.get(k));
  d.getMany = (ks) => (d.reads.push(`getMany ${ks.length}`), inner.getMany(ks));
  d.entries = (p, o) => (d.reads.push(`entries ${p}`), inner.entries(p, o));
  for (const m of ['open', 'batch', 'keys', 'clear', 'close'] as const) (d as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  return d;
}

describe('reservedStore: the one way beside the data', () => {
  const space = syncPrefix('app');

  it('reads and writes keys of its space, and refuses every other key (data keys, other spaces) with a typed error', async () => {
    const driver = memoryDriver();
    const s = createStorage({ driver, prefix: 'app', broadcast: false });
    const store = reservedStore(s, space);
    await store.batch([{ type: 'put', key: `${space}node`, value: 'n1' }]);
    expect(await store.get(`${space}node`)).toBe('n1');
    expect(await store.entries(space)).toEqual([[`${space}node`, 'n1']]);
    await expect(store.get('app:k')).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(store.batch([{ type: 'put', key: `${space}ok`, value: 1 }, { type: 'put', key: 'app:k', value: 'evil' }])).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(store.keys(`${RESERVED}q/`)).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await driver.get('app:k')).toBeUndefined();
    expect(await driver.get(`${space}ok`)).toBeUndefined(); // the refused batch wrote nothing
    expect(() => reservedStore(s, 'app:')).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });

  it('its writes go through the write lane: after the data written before them, and not once the storage is closed', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, prefix: 'app', broadcast: false });
    const store = reservedStore(s, space);
    const data = s.set('k', 1);
    const state = store.batch([{ type: 'put', key: `${space}checkpoint`, value: 'c1' }]);
    await Promise.all([data, state]);
    expect(driver.batches.map((b) => b.map((o) => o.key))).toEqual([['app:k'], [`${space}checkpoint`]]);
    await s.close();
    await expect(store.batch([{ type: 'put', key: `${space}x`, value: 1 }])).rejects.toMatchObject({ code: 'closed' });
    await expect(store.get(`${space}checkpoint`)).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('readRecords: a key once', () => {
  it('reads many keys in one driver call, says which are encrypted or expired, and decodes a value only when asked', async () => {
    const clock = fakeClock();
    const driver = countingReads();
    const s = createStorage({ driver, prefix: 'app', clock, broadcast: false, encryption: xorCipher(3) });
    await s.set('plain', { a: 1 });
    await s.set('secret', 'shh', { encrypt: true });
    await s.set('brief', 'b', { ttl: 10 });
    clock.advance(10);
    driver.reads.length = 0;
    const [plain, secret, brief, absent] = await readRecords(s, ['plain', 'secret', 'brief', 'absent']);
    expect(driver.reads).toEqual(['getMany 4']);
    expect(absent).toBeUndefined();
    expect([plain?.encrypted, secret?.encrypted, brief?.encrypted]).toEqual([false, true, false]);
    expect([plain?.expired, secret?.expired, brief?.expired]).toEqual([false, false, true]);
    expect(secret?.record.data).toBeInstanceOf(Uint8Array); // ciphertext, as stored
    expect(await secret?.value()).toBe('shh');
    expect(await plain?.value()).toEqual({ a: 1 });
    expect(driver.reads).toEqual(['getMany 4']); // decoding read nothing more
  });

  it('refuses a bad key before reading', async () => {
    const s = createStorage({ broadcast: false });
    await expect(readRecords(s, ['ok', 42 as unknown as string])).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('applyRecords: tags to the hooks, reserved ops in the same transaction', () => {
  it('a tag travels with its change to the commit hooks, and `after` ops commit in the data batch', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, prefix: 'app', broadcast: false });
    const seen: CommitChange[] = [];
    addCommitHook(s, { ops: (cs) => (seen.push(...cs), []) });
    await applyRecords(s, [{ key: 'a', value: 1, tag: { rev: 'r1' } }, { key: 'b', deleted: true }], { after: [{ type: 'put', key: `${RESERVED}sync/app/checkpoint`, value: 'c9' }] });
    expect(seen.map((c) => [c.key, c.tag])).toEqual([['a', { rev: 'r1' }], ['b', undefined]]);
    expect(driver.batches.map((b) => b.filter((o) => o.type !== 'check').map((o) => o.key))).toEqual([['app:a', 'app:b', `${RESERVED}sync/app/checkpoint`]]);
  });

  it('asks an `after` function inside the write with the keys about to be written (stale items left out), and commits its ops even when none is', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, prefix: 'app', broadcast: false });
    await s.set('edited', 'local');
    const asked: string[][] = [];
    const after = (keys: readonly string[]) => (asked.push([...keys]), [{ type: 'put' as const, key: `${RESERVED}sync/app/count`, value: keys.length }]);
    expect(await applyRecords(s, [{ key: 'edited', value: 'remote', expectUpdatedAt: null }, { key: 'fresh', value: 1 }], { after })).toEqual(['fresh']);
    expect(asked).toEqual([['fresh']]);
    expect(await driver.get(`${RESERVED}sync/app/count`)).toBe(1);
    expect(await applyRecords(s, [{ key: 'edited', value: 'remote', expectUpdatedAt: null }], { after })).toEqual([]);
    expect(await driver.get(`${RESERVED}sync/app/count`)).toBe(0);
    expect(await s.get('edited')).toBe('local');
  });

  it('`after` ops commit with the data or not at all, and must stay in the reserved key space', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, prefix: 'app', broadcast: false });
    driver.failWhen = (ops) => (ops.some((o) => o.key === 'app:a') ? new Error('disk full') : undefined);
    await expect(applyRecords(s, [{ key: 'a', value: 1 }], { after: [{ type: 'put', key: `${RESERVED}sync/app/checkpoint`, value: 'c1' }] })).rejects.toBeTruthy();
    expect(await driver.get(`${RESERVED}sync/app/checkpoint`)).toBeUndefined();
    driver.failWhen = undefined;
    await expect(applyRecords(s, [{ key: 'a', value: 1 }], { after: [{ type: 'put', key: 'app:b', value: 'sneaky' }] })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await driver.keys('app:')).toEqual([]);
  });
});

describe('commit hooks: state of one commit in its own closure', () => {
  it('a hook may return its ops with what to do once that very commit is durable; a failed commit runs none of it', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, prefix: 'app', broadcast: false });
    const done: string[] = [];
    addCommitHook(s, {
      ops: (cs) => {
        const keys = cs.map((c) => c.key);
        return { ops: keys.map((k) => ({ type: 'put' as const, key: `${RESERVED}outbox/${k}`, value: 1 })), committed: () => done.push(keys.join()) };
      },
    });
    await Promise.all([s.set('a', 1), s.set('b', 2)]);
    expect(done).toEqual(['a,b']);
    driver.failWhen = () => new Error('disk full');
    await expect(s.set('c', 3)).rejects.toBeTruthy();
    expect(done).toEqual(['a,b']);
    expect(await driver.get(`${RESERVED}outbox/a`)).toBe(1);
  });
});

describe('writesSettled', () => {
  it('resolves after the writes submitted before it (committed or failed), reading nothing', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, prefix: 'app', broadcast: false });
    let release!: () => void;
    driver.before = () => new Promise<void>((r) => (release = r));
    const write = s.set('k', 1);
    let settled = false;
    const done = writesSettled(s).then(() => void (settled = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false); // the write is still in flight
    release();
    await Promise.all([write, done]);
    expect(settled).toBe(true);
    expect(await driver.get('app:k')).toEqual(expect.objectContaining({ value: 1 }));
    await s.close();
    await expect(writesSettled(s)).resolves.toBeUndefined(); // a closed storage has nothing left to settle
  });
});
