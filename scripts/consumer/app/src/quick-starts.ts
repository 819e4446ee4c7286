// The root README's quick starts, as an app outside the monorepo writes them: only the packages'
// published entry points, installed from their tarballs. Each returns a one-line summary or throws.
import { createStowageStorage, isStowageError, storageInfo } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { deflateCodec } from '@stowage/codecs/deflate';
import { aesGcmCodec } from '@stowage/codecs/aes-gcm';
import { createMiniStorage } from '@stowage/mini';
import { createSync, createOfflineQueue } from '@stowage/sync';
import { createFirestoreRemote } from '@stowage/firestore';
import { createStowage } from 'stowage';
import { rejection, same, until } from './assert.js';

/** What the page is told by the test (the emulator it started from its tarball). */
export interface Context {
  emulatorPort: number;
}

async function storageWithTtl(): Promise<string> {
  const storage = createStowageStorage({ driver: indexedDbDriver(), prefix: 'app' });
  await storage.set('user', { name: 'Ada' }, { ttl: 24 * 3600_000 });
  same(await storage.get('user'), { name: 'Ada' }, "get('user')");
  same(await storage.get('missing', 'fallback'), 'fallback', "get('missing', 'fallback')");
  await storage.setMany({ a: 1, b: 2 });
  await storage.batch([{ type: 'set', key: 'c', value: 3 }, { type: 'remove', key: 'a' }]);
  same(await storage.getMany(['a', 'b', 'c']), [undefined, 2, 3], 'getMany after batch');
  await storage.set('flash', 'soon gone', { ttl: 50 });
  await new Promise((resolve) => setTimeout(resolve, 150));
  same(await storage.get('flash', 'expired'), 'expired', 'a key past its TTL');
  return `set/get, TTL expiry, setMany/batch over ${(await storageInfo(storage)).driver}`;
}

async function encryption(): Promise<string> {
  const open = (passphrase: string) =>
    createStowageStorage({ driver: indexedDbDriver(), prefix: 'secure', compression: deflateCodec(), encryption: aesGcmCodec({ passphrase }) });
  const storage = open('correct horse battery staple');
  const big = 'compressible '.repeat(400);
  await storage.set('token', 'abc', { encrypt: true });
  await storage.set('big', big, { encrypt: true });
  same(await storage.get('token'), 'abc', "get('token')");
  same(await storage.get('big'), big, "get('big') (deflate + AES-GCM)");
  const err = await rejection(open('wrong passphrase').get('token'), 'reading with the wrong passphrase');
  if (!isStowageError(err) || err.code !== 'decrypt-failed') throw new Error(`wrong passphrase: expected decrypt-failed, got ${String(err)}`);
  return 'AES-GCM + deflate round trip; a wrong passphrase is decrypt-failed';
}

async function mini(): Promise<string> {
  const wx = createMiniStorage({ driver: indexedDbDriver(), prefix: 'mini' });
  const errMsg = await new Promise<string>((resolve, reject) => {
    wx.setStorage({ key: 'k', data: { a: 1 }, success: (r) => resolve(r.errMsg), fail: (r) => reject(new Error(r.errMsg)) });
  });
  same(errMsg, 'setStorage:ok', 'setStorage success');
  await wx.ready();
  wx.setStorageSync('n', 1);
  same(wx.getStorageSync('n'), 1, "getStorageSync('n')");
  same(wx.getStorageSync('k'), { a: 1 }, "getStorageSync('k')");
  return 'setStorage callback, ready(), *Sync API';
}

async function cloudSync({ emulatorPort }: Context): Promise<string> {
  if (!emulatorPort) throw new Error('no ?emulator=PORT in the page URL');
  const emulator = { host: '127.0.0.1', port: emulatorPort };
  const device = (name: string) => {
    const storage = createStowageStorage({ driver: indexedDbDriver({ dbName: `sync-${name}` }), prefix: 'notes' });
    const remote = createFirestoreRemote({ firebaseOptions: { projectId: 'demo-consumer' }, appName: name, emulator, collectionPath: 'users/u1/kv' });
    return { storage, remote, sync: createSync({ storage, remote }) };
  };
  const a = device('device-a');
  await a.sync.ready();
  await a.storage.set('note', { text: 'hello from a' });
  await a.sync.flush();
  await until(async () => (await a.sync.status()).pending === 0, 'the push of device a');
  const ops = createOfflineQueue({ remote: a.remote, storage: a.storage });
  await ops.ready();
  await ops.add({ type: 'increment', collection: 'stats', id: 'visits', data: { n: 1 } });
  await ops.flush();
  await until(async () => (await ops.size()) === 0, 'the offline queue');
  same(await ops.failed(), [], 'refused operations');

  const b = device('device-b');
  await b.sync.ready();
  await b.sync.fullSync();
  same(await b.storage.get('note'), { text: 'hello from a' }, 'device b after its pull');
  for (const d of [a, b]) await d.sync.close();
  await ops.close();
  return 'device a pushed, device b pulled; one increment applied';
}

async function oneImport({ emulatorPort }: Context): Promise<string> {
  // With `cloud`, createStowage loads @stowage/firestore (and firebase) through a lazy import():
  // this is the one quick start that exercises a split chunk of the tarballs.
  const app = createStowage({
    prefix: 'one',
    encryption: { passphrase: 'pass phrase' },
    cloud: { firebaseOptions: { projectId: 'demo-consumer' }, appName: 'one-import', emulator: { host: '127.0.0.1', port: emulatorPort }, collectionPath: 'users/u2/kv' },
  });
  await app.ready();
  await app.storage.set('draft', { text: 'hi' }, { ttl: 86_400_000, encrypt: true });
  same(await app.storage.get('draft'), { text: 'hi' }, "createStowage: get('draft')");
  const sync = app.sync;
  if (!sync) throw new Error('createStowage({ cloud }) gave no sync');
  await sync.flush();
  await until(async () => (await sync.status()).pending === 0, 'the push of the encrypted draft');
  const { lastError } = await sync.status();
  if (lastError) throw lastError;
  await app.close();
  return 'createStowage() with cloud: encrypted set/get, pushed to the emulator';
}

/** The checks, in order, by the name the test reports. */
export const quickStarts: Record<string, (ctx: Context) => Promise<string>> = {
  'storage set/get with TTL': storageWithTtl,
  encryption,
  'mini-program API': mini,
  'sync to the emulator (createFirestoreRemote)': cloudSync,
  'stowage one import': oneImport,
};
