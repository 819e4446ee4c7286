import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doc, getDoc } from 'firebase/firestore/lite';
import { isRetryable, StowageError } from '@stowage/core';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import type { CollectionOp, RemoteChange } from '@stowage/sync';
import { expectStowageError, uniqueCollection } from '@stowage/test-utils';
import type { FirestoreRemote } from '../index.js';
import { emulatorRemote } from './harness.js';

let emulator: EmulatorHandle;
const remotes: FirestoreRemote[] = [];
const newRemote = () => {
  const remote = emulatorRemote(emulator.host, emulator.port);
  remotes.push(remote);
  return remote;
};
const change = (key: string, hlc: string, extra: Partial<RemoteChange> = {}): RemoteChange => ({ key, hlc, origin: 'A', base: null, deleted: false, value: hlc, ...extra });

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterEach(async () => {
  emulator.faults.clear();
  emulator.resetStats();
  await Promise.all(remotes.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await emulator.stop();
});

describe('lost acknowledgements', () => {
  it('100 increments, every first commit losing its acknowledgement: each applied exactly once', async () => {
    const remote = newRemote();
    const c = uniqueCollection();
    let firstFailures = 0;
    for (let i = 0; i < 100; i++) {
      const op: CollectionOp = { id: `inc-${i}`, type: 'increment', collection: c, doc: 'counter', data: { n: 1, [`f${i % 3}`]: 2 } };
      emulator.faults.loseAcks({ count: 1 });
      const first = await remote.apply([op]).catch((err: unknown) => err);
      expect(first).toBeInstanceOf(StowageError);
      expect(isRetryable(first)).toBe(true);
      firstFailures++;
      expect(await remote.apply([op])).toEqual([{ status: 'duplicate', id: op.id }]);
    }
    expect(firstFailures).toBe(100);
    expect(emulator.stats().lostAcks).toBe(100);
    const counter = (await getDoc(doc(remote.firestore, c, 'counter'))).data();
    expect(counter).toEqual({ n: 100, f0: 68, f1: 66, f2: 66 });
  });

  it('a push retried after a lost acknowledgement writes no new revision (no second commit of the value)', async () => {
    const remote = newRemote();
    emulator.faults.loseAcks({ count: 1 });
    await expectStowageError(remote.push([change('k', 'h1')]), 'unavailable');
    const before = (await remote.pull(undefined, 10)).docs;
    expect(await remote.push([change('k', 'h1')])).toEqual([{ status: 'applied', key: 'k', hlc: 'h1' }]);
    const after = await remote.pull(undefined, 10);
    expect(after.docs).toEqual(before);
    expect((await remote.pull(after.checkpoint, 10)).docs).toEqual([]);
  });
});

describe('transport errors map to retryable StowageErrors', () => {
  it.each([503, 500, 504, 429])('HTTP %i → unavailable, retryable; nothing applied', async (status) => {
    const remote = newRemote();
    const c = uniqueCollection();
    emulator.faults.failNext({ count: 1, status, rpc: 'commit' });
    const err = await expectStowageError(remote.apply([{ id: `o${status}`, type: 'set', collection: c, doc: 'd', data: { v: 1 } }]), 'unavailable');
    expect(isRetryable(err)).toBe(true);
    expect(err.details.firestoreCode).toBeTypeOf('string');
    expect((await getDoc(doc(remote.firestore, c, 'd'))).exists()).toBe(false);
    emulator.faults.failNext({ count: 1, status, rpc: 'runQuery' });
    expect(isRetryable(await expectStowageError(remote.pull(undefined, 5), 'unavailable'))).toBe(true);
    emulator.faults.failNext({ count: 1, status, rpc: 'batchGet' });
    expect(isRetryable(await expectStowageError(remote.push([change('k', 'h1')]), 'unavailable'))).toBe(true);
  });

  it('a 503 on every request keeps rejecting (the SDK does not retry behind our back)', async () => {
    const remote = newRemote();
    emulator.faults.failRate({ p: 1 });
    for (let i = 0; i < 3; i++) await expectStowageError(remote.push([change('k', 'h1')]), 'unavailable');
    expect(emulator.stats().byRpc.commit ?? 0).toBe(0);
    expect(emulator.stats().byRpc.batchGet).toBe(3);
  });

  it('403 on a query is permission-denied, not retryable', async () => {
    const remote = newRemote();
    emulator.faults.failNext({ count: 1, status: 403, rpc: 'runQuery' });
    expect(isRetryable(await expectStowageError(remote.pull(undefined, 5), 'permission-denied'))).toBe(false);
  });

  it('a commit losing a race (409) is retried at once; persistent contention ends in retryable aborted', async () => {
    const remote = newRemote();
    emulator.faults.failNext({ count: 2, status: 409, rpc: 'commit' });
    expect(await remote.push([change('k', 'h1')])).toEqual([{ status: 'applied', key: 'k', hlc: 'h1' }]);
    expect(emulator.stats().byRpc.commit).toBe(3);
    emulator.faults.failNext({ count: 50, status: 409, rpc: 'commit' });
    const err = await expectStowageError(remote.push([change('k', 'h2', { base: 'h1' })]), 'aborted');
    expect(isRetryable(err)).toBe(true);
  });
});

describe('signals', () => {
  it('a hung server does not hang a caller whose signal times out; the retry is safe', async () => {
    const remote = newRemote();
    const c = uniqueCollection();
    const op: CollectionOp = { id: 'hung-inc', type: 'increment', collection: c, doc: 'd', data: { n: 1 } };
    emulator.faults.hang({ rpc: 'commit' });
    await expectStowageError(remote.apply([op], AbortSignal.timeout(150)), 'aborted');
    await expectStowageError(remote.push([change('k', 'h1')], AbortSignal.timeout(150)), 'aborted');
    emulator.faults.hang({});
    await expectStowageError(remote.pull(undefined, 5, AbortSignal.timeout(150)), 'aborted');
    expect(emulator.faults.snapshot().hungRequests).toBeGreaterThanOrEqual(3);
    // Released, the hung commits land; the retries find them and apply nothing twice.
    emulator.faults.clear();
    const retried = await remote.apply([op]);
    expect(['applied', 'duplicate']).toContain(retried[0]?.status);
    expect(await remote.push([change('k', 'h1')])).toEqual([{ status: 'applied', key: 'k', hlc: 'h1' }]);
    expect((await getDoc(doc(remote.firestore, c, 'd'))).data()).toEqual({ n: 1 });
  });

  it('an abort mid-call rejects at once with aborted, keeping the signal reason as cause', async () => {
    const remote = newRemote();
    emulator.faults.latency({ ms: 300 });
    const ctl = new AbortController();
    const call = remote.push([change('k', 'h1')], ctl.signal);
    ctl.abort(new Error('user left'));
    const err = await expectStowageError(call, 'aborted');
    expect((err.cause as Error).message).toBe('user left');
  });
});
