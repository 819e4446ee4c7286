import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeApp, deleteApp, getApps } from 'firebase/app';
import { connectFirestoreEmulator, getFirestore } from 'firebase/firestore/lite';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { expectStowageError } from '@stowage/test-utils';
import { createFirestoreRemote, type FirestoreRemoteOptions } from '../index.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

const create = (options: unknown) => Promise.resolve().then(() => createFirestoreRemote(options as FirestoreRemoteOptions));
const project = { projectId: 'demo-options' };

describe('createFirestoreRemote options', () => {
  it.each([
    ['no options', undefined],
    ['neither firestore nor firebaseOptions', { collectionPath: 'kv' }],
    ['both firestore and firebaseOptions', { collectionPath: 'kv', firebaseOptions: project, firestore: {} }],
    ['a non-Lite firestore', { collectionPath: 'kv', firestore: { type: 'firestore' } }],
    ['firebaseOptions without projectId', { collectionPath: 'kv', firebaseOptions: { apiKey: 'x' } }],
    ['an even collection path', { collectionPath: 'users/u1', firebaseOptions: project }],
    ['a reserved collection id', { collectionPath: '__kv__', firebaseOptions: project }],
    ['an empty segment', { collectionPath: 'users//kv', firebaseOptions: project }],
    ['opsCollection equal to collectionPath', { collectionPath: 'kv', opsCollection: 'kv', firebaseOptions: project }],
    ['a bad opsCollection', { collectionPath: 'kv', opsCollection: 'a/b', firebaseOptions: project }],
    ['an emulator without host', { collectionPath: 'kv', firebaseOptions: project, emulator: { port: 8080 } }],
    ['an emulator port out of range', { collectionPath: 'kv', firebaseOptions: project, emulator: { host: 'localhost', port: 70_000 } }],
    ['an empty appName', { collectionPath: 'kv', firebaseOptions: project, appName: '' }],
  ])('%s → invalid-argument', async (_, options) => {
    await expectStowageError(create(options), 'invalid-argument');
  });

  it('defaults opsCollection to the sibling _stowage_ops collection', () => {
    const db = getFirestore(initializeApp(project, 'opts-default'));
    expect(createFirestoreRemote({ firestore: db, collectionPath: 'kv' }).opsCollection).toBe('_stowage_ops');
    expect(createFirestoreRemote({ firestore: db, collectionPath: 'users/u1/kv' }).opsCollection).toBe('users/u1/_stowage_ops');
    expect(createFirestoreRemote({ firestore: db, collectionPath: 'kv', opsCollection: 'ops' }).opsCollection).toBe('ops');
  });

  it('works on a given Lite instance and leaves its app alone on close()', async () => {
    const app = initializeApp(project, 'opts-given');
    const db = getFirestore(app);
    connectFirestoreEmulator(db, emulator.host, emulator.port);
    const remote = createFirestoreRemote({ firestore: db, collectionPath: 'given' });
    expect(remote.firestore).toBe(db);
    expect((await remote.push([{ key: 'k', hlc: 'h1', origin: 'A', base: null, deleted: false, value: 1 }]))[0]?.status).toBe('applied');
    await remote.close();
    expect(getApps().some((a) => a.name === 'opts-given')).toBe(true);
    await deleteApp(app);
  });

  it('creates its own app from firebaseOptions and deletes it on close()', async () => {
    const remote = createFirestoreRemote({ firebaseOptions: project, appName: 'opts-own', emulator: { host: emulator.host, port: emulator.port }, collectionPath: 'own' });
    expect((await remote.pull(undefined, 1)).docs).toEqual([]);
    expect(getApps().some((a) => a.name === 'opts-own')).toBe(true);
    await remote.close();
    expect(getApps().some((a) => a.name === 'opts-own')).toBe(false);
  });

  it('an app name taken with other options, or an emulator after first use, is invalid-argument', async () => {
    const app = initializeApp(project, 'opts-taken');
    await expectStowageError(create({ firebaseOptions: { projectId: 'other' }, appName: 'opts-taken', collectionPath: 'kv' }), 'invalid-argument');
    const db = getFirestore(app);
    connectFirestoreEmulator(db, emulator.host, emulator.port);
    await createFirestoreRemote({ firestore: db, collectionPath: 'kv' }).pull(undefined, 1);
    await expectStowageError(create({ firestore: db, collectionPath: 'kv', emulator: { host: 'localhost', port: 1234 } }), 'invalid-argument');
    await deleteApp(app);
  });
});
