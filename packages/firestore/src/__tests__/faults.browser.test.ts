import { afterEach, describe, expect, inject, it } from 'vitest';
import { doc, getDoc } from 'firebase/firestore/lite';
import { isRetryable } from '@stowage/core';
import type { RemoteChange } from '@stowage/sync';
import { expectStowageError, uniqueCollection } from '@stowage/test-utils';
import type { FirestoreRemote } from '../index.js';
import { emulatorRemote, httpFaults } from './harness.js';

const { host, port, ownerPort } = inject('firestoreEmulator');
const faults = httpFaults(host, port);
const remotes: FirestoreRemote[] = [];
const track = (r: FirestoreRemote) => (remotes.push(r), r);
const change = (key: string, hlc: string): RemoteChange => ({ key, hlc, origin: 'A', base: null, deleted: false, value: { hlc } });

afterEach(async () => {
  await faults.clear();
  await Promise.all(remotes.splice(0).map((r) => r.close()));
});

describe('Firestore remote in Chromium: faults and rules', () => {
  it('503s reject with retryable unavailable; nothing applied', async () => {
    const remote = track(emulatorRemote(host, port));
    const c = uniqueCollection();
    await faults.failNext(3);
    for (let i = 0; i < 3; i++) {
      const err = await expectStowageError(remote.apply([{ id: 'o', type: 'increment', collection: c, doc: 'n', data: { v: 1 } }]), 'unavailable');
      expect(isRetryable(err)).toBe(true);
    }
    expect((await getDoc(doc(remote.firestore, c, 'n'))).exists()).toBe(false);
    expect(await remote.apply([{ id: 'o', type: 'increment', collection: c, doc: 'n', data: { v: 1 } }])).toEqual([{ status: 'applied', id: 'o' }]);
  });

  it('20 increments, each first commit losing its acknowledgement: each applied exactly once', async () => {
    const remote = track(emulatorRemote(host, port));
    const c = uniqueCollection();
    for (let i = 0; i < 20; i++) {
      const op = { id: `inc-${c}-${i}`, type: 'increment' as const, collection: c, doc: 'n', data: { v: 1 } };
      await faults.loseNextAck();
      // Chromium may re-send the dropped commit itself: then the first call already succeeds.
      const first = await remote.apply([op]).catch((err: unknown) => err);
      if (Array.isArray(first)) expect(first).toEqual([{ status: 'applied', id: op.id }]);
      else expect(isRetryable(first)).toBe(true);
      expect((await remote.apply([op]))[0]?.status).toBe('duplicate');
    }
    expect((await getDoc(doc(remote.firestore, c, 'n'))).data()).toEqual({ v: 20 });
  });

  it('a hung server: the call with AbortSignal.timeout rejects aborted', async () => {
    const remote = track(emulatorRemote(host, port));
    await faults.hang();
    await expectStowageError(remote.push([change('k', 'h1')], AbortSignal.timeout(200)), 'aborted');
    await expectStowageError(remote.pull(undefined, 5, AbortSignal.timeout(200)), 'aborted');
    await faults.clear();
    expect(await remote.push([change('k', 'h1')])).toEqual([{ status: 'applied', key: 'k', hlc: 'h1' }]);
  });

  it('owner rules: users/{uid}/… works with a mock token; other users are permission-denied', async () => {
    const mine = track(emulatorRemote(host, ownerPort, { emulator: { host, port: ownerPort, mockUserToken: { user_id: 'u1' } }, collectionPath: `users/u1/${uniqueCollection('kv')}` }));
    expect((await mine.push([change('a', 'h1')]))[0]?.status).toBe('applied');
    expect((await mine.pull(undefined, 5)).docs.map((d) => d.key)).toEqual(['a']);
    const out = await mine.apply([
      { id: `ok-${mine.collectionPath}`, type: 'set', collection: 'users/u1/todos', doc: 't', data: { v: 1 } },
      { id: `no-${mine.collectionPath}`, type: 'set', collection: 'users/u2/todos', doc: 't', data: { v: 1 } },
    ]);
    expect(out.map((o) => (o.status === 'rejected' ? o.error.code : o.status))).toEqual(['applied', 'permission-denied']);
    const theirs = track(emulatorRemote(host, ownerPort, { emulator: { host, port: ownerPort, mockUserToken: { user_id: 'u1' } }, collectionPath: 'users/u2/kv' }));
    expect((await theirs.push([change('a', 'h1')]))[0]).toMatchObject({ status: 'rejected', error: { code: 'permission-denied' } });
    await expectStowageError(theirs.pull(undefined, 5), 'permission-denied');
  });
});
