import { describe, expect, it } from 'vitest';
import { memoryDriver, memoryLocks, RESERVED, StowageError, createStorage, getRecord, inspect, reencode } from '@stowage/core';
import { fakeClock, memoryBus, rleCodec, rotatingXor, settle, xorCodec } from '@stowage/test-utils';
import { createSync } from '../index.js';
import type { SyncOptions } from '../index.js';
import { memoryRemote, type MemoryRemote } from '../memory-remote.js';
import { client, pageAndWorker } from './sync-clients.js';
import type { Client } from './sync-clients.js';

/** Devices A and B over one remote, both holding keys 7 and 9 of a rotating test cipher (A's is `keyring`). */
async function rotationPair(aOptions: Partial<SyncOptions> = {}, bOptions: Partial<SyncOptions> = {}) {
  const clock = fakeClock();
  const remote = memoryRemote({ clock });
  const keyring = rotatingXor(7, 9);
  const a = client(remote, clock, { encryption: keyring, ...aOptions });
  const b = client(remote, clock, { encryption: rotatingXor(7, 9), ...bOptions });
  await a.sync.ready();
  return { clock, remote, keyring, a, b };
}

describe('createSync: outbox', () => {
  it('a local write and its outbox entry commit in ONE driver batch', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const c = client(remote, clock);
    await c.sync.ready();
    c.online.set(false); // keep the entry in the outbox
    c.driver.batches.length = 0;
    await c.storage.set('k', { v: 1 });
    expect(c.driver.batches).toHaveLength(1);
    const keys = c.driver.batches[0]!.map((o) => o.key);
    expect(keys).toContain('app:k');
    expect(keys.some((k) => k.startsWith(`${RESERVED}q/`))).toBe(true);
    expect((await c.sync.status()).pending).toBe(1);
  });

  it('1,000 writes to 100 keys while offline → at most 100 pending → reconnect → the cloud holds the last value of each key in a handful of pushes', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const c = client(remote, clock, { batchSize: 100 });
    await c.sync.ready();
    c.online.set(false);
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 100 }, (_, k) => c.storage.set(`key${k}`, { round, k })));
    }
    expect((await c.sync.status()).pending).toBe(100);
    expect(remote.calls.push).toBe(0);
    c.online.set(true);
    await clock.advance(10);
    await c.sync.flush();
    for (let k = 0; k < 100; k++) expect(remote.peek(`key${k}`)).toMatchObject({ value: { round: 9, k }, deleted: false });
    expect(remote.calls.push).toBeLessThanOrEqual(2);
    expect((await c.sync.status()).pending).toBe(0);
  });

  it('deletes travel as tombstones; clear() pushes one per key', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const c = client(remote, clock);
    await c.storage.setMany({ a: 1, b: 2, c: 3 });
    await c.sync.ready();
    await c.storage.set('a', 10);
    await c.storage.set('b', 20);
    await c.sync.flush();
    await c.storage.remove('a');
    await c.sync.flush();
    expect(remote.peek('a')).toMatchObject({ deleted: true });
    await c.storage.clear();
    await c.sync.flush();
    expect(remote.peek('b')).toMatchObject({ deleted: true });
  });

  it('encrypted keys travel as ciphertext; another client with the key reads them', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const a = client(remote, clock, { encryption: xorCodec(7) });
    const b = client(remote, clock, { encryption: xorCodec(7) });
    await a.sync.ready();
    await a.storage.set('secret', { pin: '1234-secret' }, { encrypt: true });
    await a.storage.set('plain', 'visible');
    await a.sync.flush();
    const doc = remote.peek('secret')!;
    expect(doc.value).toBeUndefined();
    expect(doc.codecs).toEqual(['test-xor']);
    expect(new TextDecoder().decode(doc.data)).not.toContain('1234-secret');
    expect(remote.peek('plain')?.value).toBe('visible');
    expect(await b.sync.pull()).toBe(2);
    expect(await b.storage.get('secret')).toEqual({ pin: '1234-secret' });
    expect((await inspect(b.storage, 'secret'))?.encrypted).toBe(true);
  });

  it('a re-encoding (key rotation) pushes the new ciphertext of each synced encrypted key, flagged with the revision it re-encodes; plain keys are not pushed again', async () => {
    const { clock, remote, keyring, a, b } = await rotationPair();
    await a.storage.setMany({ s1: 'one', s2: 'two' }, { encrypt: true });
    await a.storage.set('plain', 'visible');
    await a.sync.flush();
    expect(await b.sync.pull()).toBe(3);
    const before = { s1: remote.peek('s1')!, plain: remote.peek('plain')! };
    expect(before.s1.data?.[3]).toBe(7);

    await clock.advance(5_000);
    keyring.use(9);
    expect(await reencode(a.storage)).toBe(2);
    expect((await a.sync.status()).pending).toBe(2);
    const pushes = remote.calls.push;
    await a.sync.flush();
    expect(remote.calls.push - pushes).toBe(1); // one batch
    const after = remote.peek('s1')!;
    expect(after.data?.[3]).toBe(9);
    // A revision of its own, saying which one it re-encodes.
    expect(after.hlc > before.s1.hlc).toBe(true);
    expect(after.reencodes).toBe(before.s1.hlc);
    expect(remote.peek('plain')?.hlc).toBe(before.plain.hlc);
    expect((await a.sync.status()).pending).toBe(0);
    expect(a.events.filter((e) => e.type === 'conflict')).toEqual([]);

    // Another device takes the new ciphertext as it is.
    expect(await b.sync.pull()).toBe(2);
    expect((await getRecord(b.storage, 's2'))?.data?.[3]).toBe(9);
    expect(await b.storage.get('s2')).toBe('two');
    // And the next real edit on A goes on top of the re-encoded revision without a conflict.
    await a.storage.set('s1', 'uno', { encrypt: true });
    await a.sync.flush();
    expect(a.events.filter((e) => e.type === 'conflict')).toEqual([]);
    expect(await b.sync.pull()).toBe(1);
    expect(await b.storage.get('s1')).toBe('uno');
  });

  it('a re-encoding never overrides an edit — one made elsewhere meanwhile, or a later one here — even under local-wins', async () => {
    const { clock, keyring, a, b } = await rotationPair({ conflict: 'local-wins' });
    await a.storage.setMany({ s1: 'one', s2: 'two' }, { encrypt: true });
    await a.sync.flush();
    await b.sync.pull();

    // B edits s1 and pushes it first; A re-encodes both keys while it has not pulled yet.
    await clock.advance(1_000);
    await b.storage.set('s1', 'edited on b', { encrypt: true });
    await b.sync.flush();
    keyring.use(9);
    expect(await reencode(a.storage)).toBe(2);
    // And A edits s2 after re-encoding it: that edit is what the cloud must end with.
    await a.storage.set('s2', 'edited on a', { encrypt: true });
    await a.sync.flush();
    expect(await a.storage.get('s1')).toBe('one'); // not pulled yet: the re-encoding met B's revision
    await a.sync.pull();
    await b.sync.pull();
    expect((await a.sync.status()).pending).toBe(0);
    for (const c of [a, b]) {
      expect(await c.storage.get('s1')).toBe('edited on b');
      expect(await c.storage.get('s2')).toBe('edited on a');
    }
    // A re-encoding that meets a newer revision is not a conflict between edits: nothing to report.
    expect(a.events.filter((e) => e.type === 'conflict')).toEqual([]);
  });

  /** A rotates and re-encodes s1, s2 while B (remote-wins) holds unpushed edits of both, made from the revision re-encoded. */
  async function rotatedUnderPendingEdits(bOffline: boolean) {
    const { clock, remote, keyring, a, b } = await rotationPair({}, { conflict: 'remote-wins' });
    await a.storage.setMany({ s1: 'one', s2: 'two' }, { encrypt: true });
    await a.sync.flush();
    await b.sync.pull();
    if (bOffline) b.online.set(false);
    else remote.faults.failNext(1); // B's push fails and waits for its retry
    await b.storage.setMany({ s1: 'one, edited on b', s2: 'two, edited on b' }, { encrypt: true });
    if (!bOffline) await b.sync.flush().catch(() => undefined);
    await settle();
    expect((await b.sync.status()).pending).toBe(2);
    keyring.use(9);
    expect(await reencode(a.storage)).toBe(2);
    await a.sync.flush();
    expect(remote.peek('s1')?.reencodes).toBeDefined();
    return { clock, remote, a, b };
  }

  async function expectEditsKept(a: Client, b: Client) {
    expect((await b.sync.status()).pending).toBe(0);
    expect(b.events.filter((e) => e.type === 'conflict')).toEqual([]);
    await a.sync.pull();
    for (const c of [a, b]) {
      expect(await c.storage.get('s1')).toBe('one, edited on b');
      expect(await c.storage.get('s2')).toBe('two, edited on b');
    }
  }

  it('elsewhere, a push meeting a re-encoding of its base keeps the edit, even under remote-wins', async () => {
    const { clock, a, b } = await rotatedUnderPendingEdits(false);
    await clock.advance(60_000);
    await b.sync.flush(); // no pull first: the pushes meet the re-encoded revisions
    await expectEditsKept(a, b);
  });

  it('elsewhere, a pulled re-encoding of the base of a pending edit leaves the edit in place, even under remote-wins', async () => {
    const { a, b } = await rotatedUnderPendingEdits(true);
    expect(await b.sync.pull()).toBe(0);
    expect(await b.storage.get('s1')).toBe('one, edited on b');
    b.online.set(true);
    await b.sync.flush();
    await expectEditsKept(a, b);
  });

  it('an edit made in the same millisecond as a re-encoding is not mistaken for it (no clock moves at all)', async () => {
    const { keyring, a, b, remote } = await rotationPair();
    await a.storage.set('s1', 'one', { encrypt: true });
    await a.sync.flush();
    keyring.use(9);
    a.online.set(false);
    expect(await reencode(a.storage)).toBe(1);
    await a.storage.set('s1', 'edited after the rotation', { encrypt: true });
    const pushes = remote.calls.push;
    a.online.set(true);
    await a.sync.flush();
    expect((await a.sync.status()).pending).toBe(0);
    expect(remote.calls.push - pushes).toBe(1); // the edit; the re-encoding before it is moot
    expect(remote.peek('s1')?.reencodes).toBeUndefined(); // the edit is what the cloud holds last
    expect(await b.sync.pull()).toBe(1);
    expect(await b.storage.get('s1')).toBe('edited after the rotation');

    // Again, with the re-encoding pushed before the edit is made: each has a revision of its own.
    keyring.use(7);
    expect(await reencode(a.storage)).toBe(1);
    await a.sync.flush();
    expect(remote.peek('s1')?.reencodes).toBeDefined();
    await a.storage.set('s1', 'edited once more', { encrypt: true });
    await a.sync.flush();
    expect(remote.peek('s1')?.reencodes).toBeUndefined();
    expect(await b.sync.pull()).toBe(1); // the key's latest state
    expect(await b.storage.get('s1')).toBe('edited once more');
  });

  it('last-write-wins weighs a re-encoded value by the time of its edit, not of the rotation', async () => {
    const { clock, keyring, a, b } = await rotationPair();
    await a.storage.set('s1', 'one', { encrypt: true });
    await a.sync.flush();
    await b.sync.pull();
    b.online.set(false);
    await clock.advance(1_000);
    await a.storage.set('s1', 'edited on a', { encrypt: true });
    await a.sync.flush();
    await clock.advance(1_000);
    await b.storage.set('s1', 'edited on b, later', { encrypt: true }); // B has not seen A's edit
    await clock.advance(1_000);
    keyring.use(9);
    expect(await reencode(a.storage)).toBe(1);
    await a.sync.flush();
    b.online.set(true);
    await b.sync.flush();
    await b.sync.pull();
    await a.sync.pull();
    for (const c of [a, b]) expect(await c.storage.get('s1')).toBe('edited on b, later');
    const conflict = b.events.find((e) => e.type === 'conflict');
    expect(conflict).toMatchObject({ key: 's1', winner: 'local' });
  });

  it('a re-encoding whose key was since replaced by a pull is not pushed', async () => {
    const { clock, remote, keyring, a, b } = await rotationPair();
    await a.storage.set('s1', 'one', { encrypt: true });
    await a.sync.flush();
    await b.sync.pull();
    a.online.set(false);
    keyring.use(9);
    expect(await reencode(a.storage)).toBe(1);
    await clock.advance(1_000);
    await b.storage.set('s1', 'edited on b', { encrypt: true });
    await b.sync.flush();
    expect(await a.sync.pull()).toBe(1);
    const pushes = remote.calls.push;
    a.online.set(true);
    await a.sync.flush();
    expect(remote.calls.push).toBe(pushes);
    expect((await a.sync.status()).pending).toBe(0);
    expect(remote.peek('s1')?.data?.[3]).toBe(7); // B's ciphertext, as B wrote it
    expect(await a.storage.get('s1')).toBe('edited on b');
  });

  it('schema versions travel with values: a device on a newer schema migrates what an older one wrote, once; an older one keeps a newer value\'s version', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    // v2 of the app renames `name` to `title`; v1 devices still write `name`.
    const v2 = { schemaVersion: 2, migrations: { 2: (v: unknown) => ({ title: (v as { name: string }).name, from: 'migration' }) } };
    const oldDriver = memoryDriver();
    const old = client(remote, clock, { driver: oldDriver, encryption: xorCodec(7) });
    const updated = client(remote, clock, { schema: v2, encryption: xorCodec(7) });
    await old.sync.ready();
    await old.storage.set('note', { name: 'written on v1' });
    await old.storage.set('secret', { name: 'encrypted on v1' }, { encrypt: true });
    await old.sync.flush();
    expect(await updated.sync.pull()).toBe(2);
    expect(await updated.storage.get('note')).toEqual({ title: 'written on v1', from: 'migration' });
    expect(await updated.storage.get('secret')).toEqual({ title: 'encrypted on v1', from: 'migration' });

    // The updated device writes v2 values; the old device stores them as v2, so that once it is
    // updated too its migration does not run over them a second time.
    await updated.storage.set('fresh', { title: 'written on v2' });
    await updated.sync.flush();
    expect(await old.sync.pull()).toBe(1);
    await old.sync.close();
    const later = createStorage({ driver: oldDriver, prefix: 'app', clock, broadcast: false, encryption: xorCodec(7), ...v2 });
    expect(await later.get('fresh')).toEqual({ title: 'written on v2' });
    expect(await later.get('note')).toEqual({ title: 'written on v1', from: 'migration' });
    expect(remote.peek('note')?.schema).toBe(1);
    expect(remote.peek('fresh')?.schema).toBe(2);
  });

  it('a flusher on an older schema (a service worker not yet updated) pushes a newer compressed value with its own version', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const shared = memoryDriver();
    const v2 = { schemaVersion: 2, migrations: { 2: (v: unknown) => ({ upgraded: v }) } };
    const page = client(remote, clock, { driver: shared, compression: rleCodec(), schema: v2 });
    await page.sync.ready();
    page.online.set(false);
    await page.storage.set('big', { text: 'z'.repeat(2_000) }, { compress: true });
    expect((await inspect(page.storage, 'big'))?.codecs).toEqual(['test-rle']);
    await page.sync.close();
    const worker = client(remote, clock, { driver: shared, compression: rleCodec() }); // schema 1
    await worker.sync.ready();
    await worker.sync.flush();
    expect(remote.peek('big')).toMatchObject({ schema: 2, value: { text: 'z'.repeat(2_000) } });
  });

  it('a lost acknowledgement is retried without applying twice', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const c = client(remote, clock);
    await c.sync.ready();
    remote.faults.loseNextAck();
    await c.storage.set('k', 'v1');
    await c.sync.flush().catch(() => undefined);
    await settle();
    expect(remote.peek('k')?.value).toBe('v1'); // applied although the client saw a failure
    const firstRevision = remote.peek('k')?.hlc;
    expect((await c.sync.status()).pending).toBe(1);
    await clock.advance(60_000);
    await c.sync.flush();
    expect((await c.sync.status()).pending).toBe(0);
    // The retry was recognised as the same write: the revision is the original one, no conflict.
    expect(c.events.filter((e) => e.type === 'conflict')).toEqual([]);
    expect(remote.peek('k')?.hlc).toBe(firstRevision);
    // And the client now pushes its next change on top of that revision without a conflict.
    await c.storage.set('k', 'v2');
    await c.sync.flush();
    expect(remote.peek('k')?.value).toBe('v2');
    expect(c.events.filter((e) => e.type === 'conflict')).toEqual([]);
  });

  it('transport failures back off with bounded delays, then deliver', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const c = client(remote, clock);
    await c.sync.ready();
    remote.faults.failNext(5, new StowageError('unavailable', '503'));
    await c.storage.set('k', 1);
    await settle();
    let waited = 0;
    while ((await c.sync.status()).pending > 0 && waited < 10 * 60_000) {
      await clock.advance(1000);
      waited += 1000;
    }
    expect(remote.peek('k')?.value).toBe(1);
    expect(remote.calls.push).toBe(6); // 5 failures, 1 success: no retry storm
    // 1 s × 1.5ⁿ with jitter: five retries need well under a minute of backoff.
    expect(waited).toBeLessThan(60_000);
  });

  it('a hung remote times out (injected clock) instead of hanging the engine', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const hung = { ...remote, pull: () => new Promise<never>(() => undefined) };
    const c = client(hung as MemoryRemote, clock, { requestTimeout: 5000 });
    await c.sync.ready();
    const p = c.sync.pull();
    p.catch(() => undefined);
    await settle(); // let the pull reach its request (and arm its timeout)
    await clock.advance(5000);
    // A transport failure: retryable, the remote unreachable, the message naming the cause.
    await expect(p).rejects.toMatchObject({ code: 'unavailable', message: 'pull: no answer from the remote within 5000 ms (timeout)' });
    expect(await c.sync.status()).toMatchObject({ reachable: false, lastError: { code: 'unavailable' } });
  });

  it('a permanently rejected change is dead-lettered, and can be retried', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const refusing = { ...remote, push: async () => [{ status: 'rejected' as const, key: 'k', error: new StowageError('permission-denied', 'no') }] };
    const c = client(refusing as MemoryRemote, clock);
    await c.sync.ready();
    await c.storage.set('k', 1);
    await c.sync.flush();
    const dead = await c.sync.deadLetters();
    expect(dead.map((d) => [d.entry.payload.key, d.error.code])).toEqual([['k', 'permission-denied']]);
    expect(c.events.some((e) => e.type === 'dead-lettered' && e.key === 'k')).toBe(true);
    expect(await c.sync.retryDead()).toBe(1);
  });
});

describe('createSync: pull and conflicts', () => {
  it('pulls another client\'s changes incrementally, in pages, from a persisted checkpoint', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const a = client(remote, clock);
    const b = client(remote, clock, { pullLimit: 7 });
    await a.sync.ready();
    await a.storage.setMany(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])));
    await a.sync.flush();
    expect(await b.sync.pull()).toBe(20);
    expect(await b.storage.get('k19')).toBe(19);
    const pullsBefore = remote.calls.pull;
    expect(await b.sync.pull()).toBe(0); // nothing new since the checkpoint
    expect(remote.calls.pull - pullsBefore).toBe(1);
    await a.storage.remove('k3');
    await a.sync.flush();
    expect(await b.sync.pull()).toBe(1);
    expect(await b.storage.has('k3')).toBe(false);
    // Pulled state does not bounce back: b has nothing to push.
    expect((await b.sync.status()).pending).toBe(0);
  });

  async function divergent(strategy: SyncOptions['conflict']) {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const a = client(remote, clock, { conflict: strategy });
    const b = client(remote, clock, { conflict: strategy });
    await a.storage.set('doc', { by: 'a', n: 0 });
    await a.sync.ready();
    await b.sync.ready();
    await a.sync.fullSync();
    await b.sync.pull();
    // Apart: both edit the same key; b edits later.
    a.online.set(false);
    b.online.set(false);
    await a.storage.set('doc', { by: 'a', n: 1 });
    await clock.advance(1000);
    await b.storage.set('doc', { by: 'b', n: 2 });
    a.online.set(true);
    await a.sync.flush();
    b.online.set(true);
    await b.sync.flush();
    await a.sync.pull();
    await b.sync.pull();
    await a.sync.flush();
    await b.sync.flush();
    await a.sync.pull();
    await b.sync.pull();
    return { a, b, remote };
  }

  it('last-write-wins by HLC: the later edit wins everywhere and the conflict is reported', async () => {
    const { a, b, remote } = await divergent('last-write-wins');
    expect(await a.storage.get('doc')).toEqual({ by: 'b', n: 2 });
    expect(await b.storage.get('doc')).toEqual({ by: 'b', n: 2 });
    expect(remote.peek('doc')?.value).toEqual({ by: 'b', n: 2 });
    expect([...a.events, ...b.events].some((e) => e.type === 'conflict' && e.key === 'doc')).toBe(true);
  });

  it('remote-wins: the first edit to reach the cloud stays', async () => {
    const { a, b } = await divergent('remote-wins');
    expect(await a.storage.get('doc')).toEqual({ by: 'a', n: 1 });
    expect(await b.storage.get('doc')).toEqual({ by: 'a', n: 1 });
  });

  it('local-wins: the last client to push keeps its value, and both converge', async () => {
    const { a, b, remote } = await divergent('local-wins');
    const final = remote.peek('doc')?.value;
    expect(await a.storage.get('doc')).toEqual(final);
    expect(await b.storage.get('doc')).toEqual(final);
  });

  it('a merge function decides, and both sides converge on the merged value', async () => {
    const merge = (_key: string, local: { value?: unknown }, remote: { value?: unknown }) => ({
      by: 'merged',
      n: Math.max((local.value as { n: number }).n, (remote.value as { n: number }).n),
    });
    const { a, b, remote } = await divergent(merge);
    expect(remote.peek('doc')?.value).toEqual({ by: 'merged', n: 2 });
    expect(await a.storage.get('doc')).toEqual({ by: 'merged', n: 2 });
    expect(await b.storage.get('doc')).toEqual({ by: 'merged', n: 2 });
  });

  it('fullSync pushes keys written before sync existed, pulls the rest, and reports progress', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const a = client(remote, clock);
    await a.storage.setMany({ early1: 1, early2: 2 }); // before any sync hook
    const b = client(remote, clock);
    await b.sync.ready();
    await b.storage.set('fromB', 'b');
    await b.sync.flush();
    const progress: unknown[] = [];
    expect(await a.sync.fullSync((p) => progress.push(p))).toEqual({ pulled: 1, pushed: 2 });
    expect(remote.peek('early1')?.value).toBe(1);
    expect(await a.storage.get('fromB')).toBe('b');
    expect(progress.at(-1)).toEqual({ phase: 'push', done: 2, total: 2 });
  });

  it('reconnecting flushes and pulls', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const a = client(remote, clock);
    const b = client(remote, clock);
    await a.sync.ready();
    await b.sync.ready();
    await b.storage.set('x', 'from b');
    await b.sync.flush();
    a.online.set(false);
    await a.storage.set('y', 'from a');
    a.online.set(true);
    await settle(10);
    expect(remote.peek('y')?.value).toBe('from a');
    expect(await a.storage.get('x')).toBe('from b');
  });

  it('a conflict met on reconnect (flush and pull at once) is decided and reported once', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const a = client(remote, clock);
    const b = client(remote, clock);
    await a.sync.ready();
    await b.sync.ready();
    await a.storage.set('doc', 0);
    await a.sync.flush();
    await b.sync.pull();
    b.online.set(false);
    await a.storage.set('doc', 'a');
    await a.sync.flush();
    await clock.advance(1000);
    await b.storage.set('doc', 'b (later)');
    b.online.set(true); // triggers a flush and a pull together
    await settle(20);
    await b.sync.flush();
    await a.sync.pull();
    expect(await a.storage.get('doc')).toBe('b (later)');
    expect(await b.storage.get('doc')).toBe('b (later)');
    expect(b.events.filter((e) => e.type === 'conflict')).toHaveLength(1);
  });

  it('rejects bad options', () => {
    const storage = createStorage({ broadcast: false });
    expect(() => createSync({ storage } as never)).toThrow(StowageError);
    expect(() => createSync({ storage, remote: memoryRemote(), conflict: 'mine' as never })).toThrow(/conflict/);
    expect(() => createSync({ storage, remote: memoryRemote(), pullLimit: 0 })).toThrow(/pullLimit/);
  });
});

describe('createSync: several contexts of one device (tabs, a service worker) over one store', () => {
  it.each(['remote-wins', 'last-write-wins'] as const)(
    '%s: an edit made on top of what the other context pulled is pushed on that revision: no conflict, not lost',
    async (conflict) => {
      const { clock, remote, page, worker } = await pageAndWorker(conflict);
      const other = client(remote, clock, { conflict }); // another device
      await other.sync.ready();
      await other.storage.set('k', 'from the other device');
      await other.sync.flush();
      expect(await worker.sync.pull()).toBe(1); // the worker brings it into the shared store
      expect(await page.storage.get('k')).toBe('from the other device');
      const requests = remote.calls.push;
      await page.storage.set('k', 'edited on the page');
      await page.sync.flush();
      await settle();
      await worker.sync.flush(); // whichever context pushes it
      expect(remote.calls.push - requests).toBe(1); // on the right base at once: no failed compare-and-set
      expect(remote.peek('k')?.value).toBe('edited on the page');
      expect(await page.storage.get('k')).toBe('edited on the page');
      expect([...page.events, ...worker.events].filter((e) => e.type === 'conflict')).toEqual([]);
    },
  );

  it.each(['remote-wins', 'last-write-wins'] as const)(
    '%s: a lost acknowledgement, then another edit of the key: the edit is pushed on top of the first, no conflict',
    async (conflict) => {
      const clock = fakeClock();
      const remote = memoryRemote({ clock });
      const c = client(remote, clock, { conflict });
      await c.sync.ready();
      remote.faults.loseNextAck();
      await c.storage.set('k', 'v1');
      await c.sync.flush().catch(() => undefined);
      await settle();
      expect(remote.peek('k')?.value).toBe('v1'); // applied, but this device never learnt its revision
      await c.storage.set('k', 'v2'); // replaces the pending entry: a new revision
      await clock.advance(60_000);
      await c.sync.flush();
      expect(remote.peek('k')?.value).toBe('v2');
      expect(await c.storage.get('k')).toBe('v2');
      expect(c.events.filter((e) => e.type === 'conflict')).toEqual([]);
    },
  );

  it('a pull that brings what this device pushed (acknowledgement lost) while a later edit is pending keeps the edit', async () => {
    const { clock, remote, page, worker } = await pageAndWorker('remote-wins');
    remote.faults.loseNextAck();
    await page.storage.set('k', 'v1');
    await page.sync.flush().catch(() => undefined);
    await settle();
    page.online.set(false);
    await page.storage.set('k', 'v2');
    expect(await worker.sync.pull()).toBe(0);
    expect(await worker.storage.get('k')).toBe('v2');
    page.online.set(true);
    await clock.advance(60_000);
    await page.sync.flush();
    expect(remote.peek('k')?.value).toBe('v2');
    expect([...page.events, ...worker.events].filter((e) => e.type === 'conflict')).toEqual([]);
  });

  it('one context pulls at a time: a page fetched before another context applied a newer revision is not applied over it', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const same = { driver: memoryDriver(), locks: memoryLocks(), broadcast: memoryBus() };
    // The page's first pull response arrives late: after the other device's next edit reached the cloud.
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow: MemoryRemote = { ...remote, pull: async (...args) => { const page = await remote.pull(...args); await gate; return page; } };
    const page = client(slow, clock, same);
    const worker = client(remote, clock, same);
    const other = client(remote, clock); // another device
    await Promise.all([page.sync.ready(), worker.sync.ready(), other.sync.ready()]);
    await other.storage.set('k', 'v1');
    await other.sync.flush();
    const pagePull = page.sync.pull(); // fetches v1, then waits
    await settle();
    await other.storage.set('k', 'v2');
    await other.sync.flush();
    const workerPull = worker.sync.pull();
    await settle();
    open();
    await Promise.all([pagePull, workerPull]);
    expect(await page.storage.get('k')).toBe('v2');
    expect(await page.sync.pull()).toBe(0);
  });

  it('a full sync does not write back what another context of this device pulled', async () => {
    const { clock, remote, page, worker } = await pageAndWorker('last-write-wins');
    const other = client(remote, clock); // another device
    await other.sync.ready();
    await other.storage.set('k', 'from the other device');
    await other.sync.flush();
    expect(await worker.sync.pull()).toBe(1);
    const batches = page.driver.batches.length;
    await page.sync.fullSync();
    expect(page.driver.batches.slice(batches).flat().filter((op) => op.key === 'app:k')).toEqual([]);
    expect(await page.storage.get('k')).toBe('from the other device');
  });

  it('edits of one key in two contexts within one millisecond are two revisions, not one taken for a retry of the other', async () => {
    const { remote, page, worker } = await pageAndWorker('last-write-wins'); // the fake clock does not move
    await page.storage.set('k', 'from the page');
    await page.sync.flush();
    await settle();
    await worker.storage.set('k', 'from the worker');
    await worker.sync.flush();
    await settle();
    await page.sync.flush();
    expect(remote.peek('k')?.value).toBe('from the worker');
    expect(await page.storage.get('k')).toBe('from the worker');
  });

  it("a pull does not write back what another context of this device pushed", async () => {
    const { remote, page, worker } = await pageAndWorker('last-write-wins');
    await page.storage.set('k', 1);
    await page.sync.flush();
    await page.storage.set('k', 2);
    await page.sync.flush();
    expect(remote.peek('k')?.value).toBe(2);
    const batches = worker.driver.batches.length;
    expect(await worker.sync.pull()).toBe(0); // echoes of this device's own pushes
    expect(worker.driver.batches.slice(batches).flat().filter((op) => op.key === 'app:k')).toEqual([]);
    expect(await worker.storage.get('k')).toBe(2);
  });
});
