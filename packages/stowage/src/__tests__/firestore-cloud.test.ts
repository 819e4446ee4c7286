import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryDriver, memoryLocks, StowageError } from '@stowage/core';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { aesGcmCodec, createStowage, rotateKey, type Stowage, type StowageOptions } from '../index.js';
import { quietSync } from './helpers.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

const open: Stowage[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await emulator.reset();
});

let apps = 0;
function client(extra: Partial<StowageOptions> = {}): Stowage {
  const s = createStowage({
    driver: memoryDriver(),
    storage: { broadcast: false },
    cloud: {
      firebaseOptions: { projectId: 'demo-stowage-unit' },
      appName: `stowage-unit-${++apps}`,
      emulator: { host: emulator.host, port: emulator.port },
      collectionPath: 'users/u1/kv',
      sync: quietSync(),
      offlineQueue: { locks: memoryLocks() },
    },
    ...extra,
  });
  open.push(s);
  return s;
}

describe('createStowage with cloud: { firebaseOptions, emulator, collectionPath }', () => {
  it('loads firebase on ready(), pushes writes and another client pulls them', async () => {
    const a = client();
    const b = client();
    await Promise.all([a.ready(), b.ready()]);
    await a.storage.set('settings', { theme: 'dark' });
    await a.storage.set('big', 'compressible text '.repeat(400));
    await a.sync!.flush();
    expect(emulator.stats().byRpc.commit).toBeGreaterThan(0);

    expect(await b.sync!.pull()).toBe(2);
    expect(await b.storage.get('settings')).toEqual({ theme: 'dark' });
    expect(await b.storage.get('big')).toBe('compressible text '.repeat(400));
  });

  it('one key through the lazily loaded remote: remote.get and sync.download', async () => {
    const a = client();
    const b = client();
    await Promise.all([a.ready(), b.ready()]);
    await a.storage.set('profile', { name: '张三' });
    await a.sync!.flush();
    expect(await b.remote!.get!('profile')).toMatchObject({ key: 'profile', deleted: false, value: { name: '张三' } });
    expect(await b.sync!.download('profile')).toBe(true);
    expect(await b.storage.get('profile')).toEqual({ name: '张三' });
  });

  it('an encrypted key travels as ciphertext and opens on another device with the same passphrase only', async () => {
    const a = client({ encryption: { passphrase: 'correct horse battery staple' } });
    const b = client({ encryption: { passphrase: 'correct horse battery staple' } });
    const stranger = client({ encryption: { passphrase: 'a different passphrase' } });
    await Promise.all([a.ready(), b.ready(), stranger.ready()]);
    await a.storage.set('diary', { entry: 'met the spy at noon' }, { encrypt: true });
    await a.sync!.flush();

    // What the server holds has no plaintext in it.
    const res = await fetch(`${emulator.url}/v1/projects/demo-stowage-unit/databases/(default)/documents/users/u1:runQuery`, {
      method: 'POST',
      body: JSON.stringify({ structuredQuery: { from: [{ collectionId: 'kv' }] } }),
    });
    const listing = await res.text();
    expect(listing).toContain('diary');
    expect(listing).not.toContain('spy at noon');

    // Each device made its own keyring (own salt, own key id); the ciphertext says how its key is derived.
    expect(await b.sync!.pull()).toBe(1);
    expect(await b.storage.get('diary')).toEqual({ entry: 'met the spy at noon' });
    expect(await stranger.sync!.pull()).toBe(1);
    const err = await stranger.storage.get('diary').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StowageError);
    expect((err as StowageError).code).toBe('decrypt-failed');
    expect((err as StowageError).details).toMatchObject({ reason: 'unknown-key', derivedFrom: 'passphrase' });

    // And back: B's own write opens on A.
    await b.storage.set('diary', { entry: 'the spy was late' }, { encrypt: true });
    await b.sync!.flush();
    expect(await a.sync!.pull()).toBe(1);
    expect(await a.storage.get('diary')).toEqual({ entry: 'the spy was late' });
  }, 60_000);

  it('after a passphrase change on one device the cloud copy opens with the new passphrase only', async () => {
    const codec = aesGcmCodec({ passphrase: 'the old pass phrase' });
    const a = client({ encryption: codec });
    await a.ready();
    await a.storage.setMany({ diary: { entry: 'met the spy at noon' }, plans: ['north', 'east'] }, { encrypt: true });
    await a.storage.set('theme', 'dark');
    await a.sync!.flush();
    const commits = emulator.stats().byRpc.commit ?? 0;

    const result = await rotateKey({ storage: a.storage, codec, next: { passphrase: 'the new pass phrase' } });
    expect(result.reencoded).toBe(2);
    await a.sync!.flush();
    expect((emulator.stats().byRpc.commit ?? 0) - commits).toBe(1); // both keys in one commit; 'theme' not again

    const fresh = client({ encryption: { passphrase: 'the new pass phrase' } });
    const stale = client({ encryption: { passphrase: 'the old pass phrase' } });
    await Promise.all([fresh.ready(), stale.ready()]);
    expect(await fresh.sync!.pull()).toBe(3);
    expect(await fresh.storage.get('diary')).toEqual({ entry: 'met the spy at noon' });
    expect(await fresh.storage.get('plans')).toEqual(['north', 'east']);
    expect(await stale.sync!.pull()).toBe(3);
    const err = await stale.storage.get('diary').then(() => undefined, (e: unknown) => e);
    expect((err as StowageError).code).toBe('decrypt-failed');
    expect(await stale.storage.get('theme')).toBe('dark');
  }, 60_000);

  it('the offline queue applies an increment exactly once through Firestore', async () => {
    const a = client();
    await a.ready();
    await a.offlineQueue!.add({ type: 'increment', collection: 'users/u1/stats', id: 'visits', data: { n: 5 } });
    await a.offlineQueue!.flush();
    expect(await a.offlineQueue!.size()).toBe(0);
    const res = await fetch(`${emulator.url}/v1/projects/demo-stowage-unit/databases/(default)/documents:batchGet`, {
      method: 'POST',
      body: JSON.stringify({ documents: ['projects/demo-stowage-unit/databases/(default)/documents/users/u1/stats/visits'] }),
    });
    const [doc] = (await res.json()) as { found?: { fields: { n: { integerValue: string } } } }[];
    expect(doc?.found?.fields.n.integerValue).toBe('5');
  });

  it('Firebase options without a projectId make ready() reject with invalid-argument', async () => {
    const s = createStowage({
      driver: memoryDriver(),
      storage: { broadcast: false },
      cloud: { firebaseOptions: {}, appName: 'stowage-unit-bad', collectionPath: 'kv', sync: quietSync() },
    });
    open.push(s);
    const err = await s.ready().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StowageError);
    expect((err as StowageError).code).toBe('invalid-argument');
  });
});
