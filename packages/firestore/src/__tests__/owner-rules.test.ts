import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRetryable } from '@stowage/core';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { checkRemoteHealth } from '@stowage/sync';
import type { RemoteChange } from '@stowage/sync';
import { expectStowageError, uniqueCollection } from '@stowage/test-utils';
import type { FirestoreRemote } from '../index.js';
import { emulatorRemote } from './harness.js';

let emulator: EmulatorHandle;
const remotes: FirestoreRemote[] = [];
const change = (key: string, hlc: string): RemoteChange => ({ key, hlc, origin: 'A', base: null, deleted: false, value: { hlc } });

/** A remote signed in as `uid` (mock token), syncing `users/{owner}/{collection}`. */
function remoteAs(uid: string | undefined, owner: string): FirestoreRemote {
  const remote = emulatorRemote(emulator.host, emulator.port, {
    emulator: { host: emulator.host, port: emulator.port, ...(uid ? { mockUserToken: { user_id: uid } } : {}) },
    collectionPath: `users/${owner}/${uniqueCollection('kv')}`,
  });
  remotes.push(remote);
  return remote;
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rules: 'owner' });
});
afterAll(async () => {
  await Promise.all(remotes.map((r) => r.close()));
  await emulator.stop();
});

describe('checkRemoteHealth over the emulator with owner rules', () => {
  it('the owner: reachable with permission; another user: reachable without permission; the emulator gone: unreachable', async () => {
    expect(await checkRemoteHealth(remoteAs('u1', 'u1'))).toMatchObject({ ok: true, reachable: true, permission: true });
    expect(await checkRemoteHealth(remoteAs('u2', 'u1'))).toMatchObject({ ok: false, reachable: true, permission: false, error: { code: 'permission-denied' } });
    const gone = await startEmulator({ port: 0 });
    const remote = emulatorRemote(gone.host, gone.port);
    remotes.push(remote);
    await gone.stop();
    expect(await checkRemoteHealth(remote)).toMatchObject({ ok: false, reachable: false, error: { code: 'unavailable' } });
  });
});

describe('owner rules (users/{uid}/…)', () => {
  it('a user syncs under users/{uid}: push, pull, apply with markers in users/{uid}/_stowage_ops', async () => {
    const remote = remoteAs('u1', 'u1');
    expect(remote.opsCollection).toBe('users/u1/_stowage_ops');
    expect(await remote.push([change('a', 'h1'), change('b/c', 'h1')])).toEqual([
      { status: 'applied', key: 'a', hlc: 'h1' },
      { status: 'applied', key: 'b/c', hlc: 'h1' },
    ]);
    expect((await remote.pull(undefined, 10)).docs.map((d) => d.key)).toEqual(['a', 'b/c']);
    const op = { id: 'o1', type: 'increment' as const, collection: 'users/u1/todos', doc: 't', data: { n: 1 } };
    expect(await remote.apply([op])).toEqual([{ status: 'applied', id: 'o1' }]);
    expect(await remote.apply([op])).toEqual([{ status: 'duplicate', id: 'o1' }]);
  });

  it("another user's documents: per-item permission-denied outcomes, in order, the allowed ones applied", async () => {
    const remote = remoteAs('u1', 'u1');
    const out = await remote.apply([
      { id: 'p1', type: 'set', collection: 'users/u1/todos', doc: 'x', data: { v: 1 } },
      { id: 'p2', type: 'set', collection: 'users/u2/todos', doc: 'x', data: { v: 1 } },
      { id: 'p3', type: 'increment', collection: 'users/u1/todos', doc: 'x', data: { v: 1 } },
    ]);
    expect(out.map((o) => o.status)).toEqual(['applied', 'rejected', 'applied']);
    const denied = out[1]!;
    expect(denied.status === 'rejected' && denied.error.code).toBe('permission-denied');
    expect(denied.status === 'rejected' && isRetryable(denied.error)).toBe(false);
    // The increment saw the set before it: order held across the isolation.
    const again = await remote.apply([{ id: 'p4', type: 'update', collection: 'users/u1/todos', doc: 'x', data: { w: 1 } }]);
    expect(again[0]?.status).toBe('applied');
  });

  it('syncing a collection of another user: every change rejected permission-denied, pull refused', async () => {
    const remote = remoteAs('u1', 'u2');
    const out = await remote.push([change('a', 'h1'), change('b', 'h1')]);
    expect(out.map((o) => (o.status === 'rejected' ? o.error.code : o.status))).toEqual(['permission-denied', 'permission-denied']);
    const err = await expectStowageError(remote.pull(undefined, 10), 'permission-denied');
    expect(isRetryable(err)).toBe(false);
  });

  it('no token: nothing is readable or writable', async () => {
    const remote = remoteAs(undefined, 'u1');
    const out = await remote.push([change('a', 'h1')]);
    expect(out[0]?.status === 'rejected' && out[0].error.code).toBe('permission-denied');
    await expectStowageError(remote.pull(undefined, 10), 'permission-denied');
  });
});
