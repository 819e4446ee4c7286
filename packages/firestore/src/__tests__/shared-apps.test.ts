// Remotes created from firebaseOptions without an appName: equal options share one app (counted,
// deleted with the last close()), other options get their own app — never app/duplicate-app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApps } from 'firebase/app';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { createFirestoreRemote, type FirestoreRemote } from '../index.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

const remote = (projectId: string, collectionPath: string): FirestoreRemote =>
  createFirestoreRemote({ firebaseOptions: { projectId }, emulator: { host: emulator.host, port: emulator.port }, collectionPath });
const change = (value: number) => [{ key: 'k', hlc: `h${value}`, origin: 'A', base: null, deleted: false, value }];
const appNames = () => getApps().map((a) => a.name).sort();

describe('Firebase app sharing', () => {
  it('two remotes with different projectIds and no appName both work', async () => {
    const before = appNames();
    const a = remote('demo-share-a', 'kv');
    const b = remote('demo-share-b', 'kv');
    expect(a.firestore).not.toBe(b.firestore);
    expect((await a.push(change(1)))[0]?.status).toBe('applied');
    expect((await b.push(change(2)))[0]?.status).toBe('applied');
    await a.close();
    await b.close();
    expect(appNames()).toEqual(before);
  });

  it('equal options share the Lite instance; closing one leaves the other working; closing both deletes the app', async () => {
    const before = appNames();
    const a = remote('demo-share-same', 'one');
    const b = remote('demo-share-same', 'two');
    expect(b.firestore).toBe(a.firestore);
    expect(appNames()).toHaveLength(before.length + 1);
    await a.close();
    await a.close(); // a second close() must not release b's reference
    expect(appNames()).toHaveLength(before.length + 1);
    expect((await b.push(change(3)))[0]?.status).toBe('applied');
    expect((await b.pull(undefined, 10)).docs.map((d) => d.key)).toEqual(['k']);
    await b.close();
    expect(appNames()).toEqual(before);
  });

  it('the same options with another emulator target get their own app (emulator settings freeze on first use)', async () => {
    const a = remote('demo-share-target', 'kv');
    await a.pull(undefined, 1);
    const b = createFirestoreRemote({ firebaseOptions: { projectId: 'demo-share-target' }, emulator: { host: 'localhost', port: emulator.port }, collectionPath: 'kv' });
    expect(b.firestore).not.toBe(a.firestore);
    await b.pull(undefined, 1);
    await Promise.all([a.close(), b.close()]);
  });
});
