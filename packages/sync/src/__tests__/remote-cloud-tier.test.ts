// The cloud tier over a RemoteStore (memory here; Firestore in @stowage/firestore). As the last tier
// of createCacheManager's read-through it is tested in packages/stowage (tiered-read.test.ts).
import { describe, expect, it } from 'vitest';
import { expectStowageError, fakeClock, xorCodec } from '@stowage/test-utils';
import { compareHlc, remoteCloudTier } from '../index.js';
import type { RemoteStore } from '../index.js';
import { memoryCloudTier, memoryRemote } from '../memory-remote.js';
import { client } from './sync-clients.js';

describe('remoteCloudTier / memoryCloudTier', () => {
  it('set writes the document a sync engine pulls; a synced write is read back by the tier', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const cloud = remoteCloudTier(remote, { clock });
    await cloud.set('settings', { theme: 'dark' });
    const device = client(remote, clock);
    await device.sync.ready();
    await device.sync.pull();
    expect(await device.storage.get('settings')).toEqual({ theme: 'dark' });
    await clock.advance(5);
    await device.storage.set('settings', { theme: 'light!' });
    await device.sync.flush();
    await device.storage.set('settings', { theme: 'light' }); // a second revision in the same millisecond
    await device.sync.flush();
    expect(await cloud.get('settings')).toEqual({ theme: 'light' });
    const replaced = remote.peek('settings')!.hlc;
    // The tier's next write goes on top of the device's revision, with a later one: the device takes it.
    await cloud.set('settings', { theme: 'sepia' });
    expect(compareHlc(remote.peek('settings')!.hlc, replaced)).toBe(1);
    expect(await device.sync.pull()).toBe(1);
    expect(await device.storage.get('settings')).toEqual({ theme: 'sepia' });
    await cloud.remove('settings');
    expect(await cloud.get('settings')).toBeUndefined();
    expect(remote.peek('settings')?.deleted).toBe(true);
    await device.sync.pull();
    expect(await device.storage.has('settings')).toBe(false);
  });

  it('absent, deleted and expired documents read as undefined; a ciphertext document is decode-failed', async () => {
    const clock = fakeClock();
    const remote = memoryRemote({ clock });
    const cloud = remoteCloudTier(remote, { clock });
    await remote.push([
      { key: 'old', value: 1, deleted: false, hlc: 'h1', origin: 'x', base: null, expiresAt: clock.now() + 1000 },
      { key: 'gone', deleted: true, hlc: 'h1', origin: 'x', base: null },
    ]);
    expect(await cloud.get('old')).toBe(1);
    await clock.advance(1000);
    expect(await cloud.get('old')).toBeUndefined();
    expect(await cloud.get('gone')).toBeUndefined();
    expect(await cloud.remove('gone')).toBeUndefined(); // nothing to delete: no write
    expect(remote.calls.push).toBe(1);
    const device = client(remote, clock, { encryption: xorCodec(3) });
    await device.sync.ready();
    await device.storage.set('secret', 's', { encrypt: true });
    await device.sync.flush();
    await expectStowageError(cloud.get('secret'), 'decode-failed');
  });

  it('another writer between the read and the write: read again and overwrite; one that never stops: conflict', async () => {
    const remote = memoryRemote();
    let rivals = 1;
    // A remote where another client writes the key right after each of this tier's reads.
    const racing: RemoteStore = {
      ...remote,
      get: async (key, signal) => {
        const doc = await remote.get(key, signal);
        if (rivals-- > 0) await remote.push([{ key, value: 'rival', deleted: false, hlc: `000000000000001-00000${rivals + 1}-rival`, origin: 'rival', base: doc?.hlc ?? null }]);
        return doc;
      },
    };
    const cloud = remoteCloudTier(racing, { attempts: 2 });
    await cloud.set('k', 'mine');
    expect(remote.peek('k')?.value).toBe('mine');
    rivals = 5;
    const err = await expectStowageError(cloud.set('k', 'again'), 'conflict');
    expect(err.details).toMatchObject({ key: 'k', attempts: 2 });
  });

  it('bad input is a typed StowageError: key, value, size, options, a remote without get', async () => {
    const cloud = memoryCloudTier();
    const { get } = cloud; // detached, as a loader is called
    await expectStowageError(get(''), 'invalid-argument');
    await expectStowageError(cloud.get(''), 'invalid-argument');
    await expectStowageError(cloud.set('k', { f: () => 1 }), 'invalid-argument');
    await expectStowageError(cloud.set('k', 'x'.repeat(1_100_000)), 'too-large');
    expect(() => remoteCloudTier(memoryRemote(), { attempts: 0 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    const { get: _get, ...noGet } = memoryRemote();
    expect(() => remoteCloudTier(noGet)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
