// The seed's cloud tier reaching Firestore: createFirestoreCloudTier over the emulator, next to a
// device whose namespace is synced on the same collection. (As the loader of createCacheManager's
// memory → local read-through it runs in packages/stowage, tiered-read.test.ts.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, memoryLocks } from '@stowage/core';
import { manualOnline, memoryBroadcast } from '@stowage/core/testing';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { createNetworkMonitor, createSync } from '@stowage/sync';
import { expectStowageError, uniqueCollection } from '@stowage/test-utils';
import { createFirestoreCloudTier, type FirestoreCloudTier } from '../index.js';
import { emulatorRemote } from './harness.js';

let emulator: EmulatorHandle;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterEach(async () => {
  emulator.faults.clear();
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  await emulator.stop();
});

let apps = 0;
function tier(collectionPath: string): FirestoreCloudTier {
  const cloud = createFirestoreCloudTier({
    firebaseOptions: { projectId: 'demo-stowage' }, appName: `cloud-tier-${apps++}`,
    emulator: { host: emulator.host, port: emulator.port }, collectionPath,
  });
  closers.push(() => cloud.close());
  return cloud;
}

async function syncedDevice(collectionPath: string) {
  const remote = emulatorRemote(emulator.host, emulator.port, { collectionPath });
  const storage = createStorage({ driver: memoryDriver(), prefix: 'app', broadcast: false });
  const sync = createSync({ storage, remote, locks: memoryLocks(), broadcast: memoryBroadcast(), pullInterval: 0, network: createNetworkMonitor({ online: manualOnline() }) });
  closers.push(() => remote.close(), () => sync.close());
  await sync.ready();
  return { storage, sync };
}

describe('createFirestoreCloudTier (emulator)', () => {
  it('get (as a loader, detached) reads what a synced device pushed; a missing key is undefined', async () => {
    const path = uniqueCollection('kv');
    const device = await syncedDevice(path);
    await device.storage.set('userInfo', { id: 1, name: '张三' });
    await device.sync.flush();
    const { get: loader } = tier(path);
    expect(await loader('userInfo')).toEqual({ id: 1, name: '张三' });
    expect(await loader('missing')).toBeUndefined();
  });

  it('set writes the document; the synced device pulls it, and remove() reaches it as a deletion', async () => {
    const path = uniqueCollection('kv');
    const device = await syncedDevice(path);
    await device.storage.set('settings', { theme: 'light' });
    await device.sync.flush();
    const cloud = tier(path);
    await cloud.set('settings', { theme: 'dark', language: 'zh-CN' });
    expect(await device.sync.pull()).toBe(1);
    expect(await device.storage.get('settings')).toEqual({ theme: 'dark', language: 'zh-CN' });
    expect(await cloud.remote.get('settings')).toMatchObject({ deleted: false, value: { theme: 'dark', language: 'zh-CN' } });
    await cloud.remove('settings');
    expect(await cloud.get('settings')).toBeUndefined();
    expect(await device.sync.download('settings')).toBe(true);
    expect(await device.storage.has('settings')).toBe(false);
  });

  it('a transport failure is a retryable unavailable; bad input a typed error', async () => {
    const cloud = tier(uniqueCollection('kv'));
    emulator.faults.failNext({ count: 1, status: 503 });
    await expectStowageError(cloud.get('k'), 'unavailable');
    await expectStowageError(cloud.set('k', { f: () => 1 }), 'invalid-argument');
    await expectStowageError(cloud.get(''), 'invalid-argument');
  });
});
