import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryDriver, memoryLocks, StowageError, inspect } from '@stowage/core';
import { memoryBroadcast as memoryBus } from '@stowage/core/testing';
import { memoryRemote, type MemoryRemote } from '@stowage/sync/memory-remote';
import { createStowage, type Stowage, type StowageOptions } from '../index.js';
import { keepOpen } from '../keep-open.js';
import { quietSync, testNetwork } from './helpers.js';

const open: Stowage[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** A stowage on a memory driver with no cross-tab bus (tests stay in-process). */
function make(options: StowageOptions = {}): Stowage {
  const s = createStowage({ driver: memoryDriver(), ...options, storage: { broadcast: false, ...options.storage } });
  open.push(s);
  return s;
}

function cloud(remote: MemoryRemote, network = testNetwork()) {
  return {
    network,
    options: {
      network: network.network,
      cloud: { remote, sync: quietSync(), offlineQueue: { locks: memoryLocks(), broadcast: memoryBus() } },
    } satisfies StowageOptions,
  };
}

async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(StowageError);
    return (e as StowageError).code;
  }
  return 'no error';
}

describe('createStowage: local pieces', () => {
  it('wires storage, memory tier, analytics and mini-program API over one namespace', async () => {
    const s = make({ prefix: 'notes' });
    await s.ready();
    expect(s.sync).toBeUndefined();
    expect(s.offlineQueue).toBeUndefined();
    expect(s.storage.prefix).toBe('notes');

    await s.storage.set('a', { n: 1 });
    expect(await s.storage.get('a')).toEqual({ n: 1 });
    expect(await s.storage.get('a')).toEqual({ n: 1 });
    // The first get filled the memory tier, the second was served from it.
    expect(s.cache?.memoryStats()).toMatchObject({ hits: 1, size: 1 });
    expect(s.cache?.memoryKeys()).toEqual(['a']);
    // The bare storage holds the same data.
    expect(await s.local.get('a')).toEqual({ n: 1 });

    const stats = s.analytics!.getStats();
    expect(stats.writes).toBe(1);
    // Two reads through the memory tier (one answered by memory) and one of the bare storage:
    // analytics observes the storage's kernel, whoever asks.
    expect(stats.reads).toBe(3);
    expect(stats.hits).toBe(3);
    expect(s.analytics!.analyzeHotData().keys[0]?.key).toBe('a');

    await s.mini!.ready();
    expect(s.mini!.getStorageSync('a')).toEqual({ n: 1 });
    s.mini!.setStorageSync('b', 'from mini');
    await s.mini!.flush();
    expect(await s.storage.get('b')).toBe('from mini');
  });

  it('the mini mirror is the one memory copy of what it re-reads: another writer\'s change is not also kept in the LRU', async () => {
    const s = make({ prefix: 'once' });
    await s.ready();
    await s.mini!.ready();
    await s.local.set('x', { n: 1 }); // not through mini: the mirror re-reads it
    await vi.waitFor(() => expect(s.mini!.getStorageSync('x')).toEqual({ n: 1 }));
    expect(s.cache?.memoryKeys()).toEqual([]);
    // Mini's writes still reach the tier: a copy the app read is dropped when mini changes it.
    expect(await s.storage.get('x')).toEqual({ n: 1 });
    expect(s.cache?.memoryKeys()).toEqual(['x']);
    s.mini!.setStorageSync('x', { n: 2 });
    await s.mini!.flush();
    expect(s.cache?.memoryKeys()).toEqual([]);
    expect(await s.storage.get('x')).toEqual({ n: 2 });
  });

  it('compresses big values with deflate by default and not with compression: false', async () => {
    const big = 'lorem ipsum '.repeat(500);
    const on = make({ prefix: 'on' });
    await on.storage.set('big', big);
    expect((await inspect(on.storage, 'big'))?.codecs).toEqual(['deflate']);

    const off = make({ prefix: 'off', compression: false });
    await off.storage.set('big', big);
    expect((await inspect(off.storage, 'big'))?.codecs).toEqual([]);
  });

  it('a value compressed earlier stays readable after compression is switched off', async () => {
    const driver = memoryDriver();
    const keep = keepOpen(driver);
    const first = make({ driver: keep, prefix: 'p' });
    await first.storage.set('big', 'x'.repeat(5000));
    await first.close();
    const second = make({ driver: keep, prefix: 'p', compression: false });
    expect(await second.storage.get('big')).toBe('x'.repeat(5000));
  });

  it('encryption: { passphrase } encrypts with AES-GCM; a value set with encrypt reads back', async () => {
    const s = make({ encryption: { passphrase: 'correct horse' } });
    await s.storage.set('secret', { pin: 1234 }, { encrypt: true });
    const info = await inspect(s.storage, 'secret');
    expect(info?.encrypted).toBe(true);
    expect(info?.codecs).toContain('aes-gcm');
    expect(await s.storage.get('secret')).toEqual({ pin: 1234 });
  });

  it('cache: false, analytics: false and mini: false leave those pieces out', async () => {
    const s = make({ cache: false, analytics: false, mini: false });
    expect(s.cache).toBeUndefined();
    expect(s.analytics).toBeUndefined();
    expect(s.mini).toBeUndefined();
    expect(s.storage).toBe(s.local);
    await s.storage.set('k', 1);
    expect(await s.storage.get('k')).toBe(1);
  });

  it('mini: { prefix } gives the mini-program API its own namespace on the same driver', async () => {
    const s = make({ prefix: 'app', mini: { prefix: 'mini' } });
    await s.mini!.ready();
    s.mini!.setStorageSync('only-mini', 1);
    await s.mini!.flush();
    expect(await s.storage.has('only-mini')).toBe(false);
    expect(s.mini!.storage.prefix).toBe('mini');
    expect(await s.mini!.storage.get('only-mini')).toBe(1);
  });

  it('analytics persist in the namespace `${prefix}.analytics`, never among the app keys', async () => {
    const driver = memoryDriver();
    const s = make({ driver, prefix: 'app', analytics: { persistInterval: 1 } });
    await s.ready();
    await s.storage.set('k', 1);
    await s.analytics!.flush();
    expect(await s.storage.keys()).toEqual(['k']);
    expect((await driver.keys('app.analytics:')).length).toBeGreaterThan(0);
  });

  it('close() closes every piece; later calls reject with closed', async () => {
    const s = make({ mini: { prefix: 'mini' } });
    await s.storage.set('k', 1);
    await s.close();
    await s.close(); // idempotent
    expect(await code(s.storage.get('k'))).toBe('closed');
    expect(await code(s.local.set('k', 2))).toBe('closed');
    expect(await code(s.ready())).toBe('closed');
  });
});

describe('createStowage: bad input', () => {
  it.each<[string, unknown]>([
    ['an unknown option (typo)', { prefx: 'x' }],
    ['compression of the wrong type', { compression: 'yes' }],
    ['an empty passphrase', { encryption: { passphrase: '' } }],
    ['encryption that is neither passphrase nor codec', { encryption: 'secret' }],
    ['a prefix with a colon', { prefix: 'a:b' }],
    ['a document path as collectionPath', { cloud: { firebaseOptions: { projectId: 'p' }, collectionPath: 'kv/doc' } }],
    ['cloud that is not an object', { cloud: 'firestore' }],
    ['bad cache options', { cache: { maxEntries: -1 } }],
  ])('%s → invalid-argument', async (_, options) => {
    expect(await code(() => createStowage({ driver: memoryDriver(), ...(options as object) }))).toBe('invalid-argument');
  });

  it('a non-object options value is refused before anything is created', async () => {
    expect(await code(() => createStowage(42 as unknown as StowageOptions))).toBe('invalid-argument');
  });
});

describe('createStowage: cloud', () => {
  it('writes made offline wait in the outbox and reach the remote on reconnect', async () => {
    const remote = memoryRemote();
    const { network, options } = cloud(remote, testNetwork(false));
    const s = make(options);
    await s.ready();
    expect(s.remote).toBe(remote);
    await s.storage.set('todo', { text: 'buy milk' });
    await s.storage.set('todo', { text: 'buy oat milk' });
    expect((await s.sync!.status()).pending).toBe(1); // coalesced per key
    expect(remote.peek('todo')).toBeUndefined();

    // Reconnecting is what flushes: the app does nothing.
    network.online.set(true);
    await vi.waitFor(() => expect(remote.peek('todo')?.value).toEqual({ text: 'buy oat milk' }), { timeout: 5000 });
    expect((await s.sync!.status()).pending).toBe(0);
    expect(s.analytics!.getStats().sync.pushedChanges).toBeGreaterThan(0);
  });

  it('a pulled change replaces the memory tier copy (no stale read)', async () => {
    const remote = memoryRemote();
    const a = make({ ...cloud(remote).options, prefix: 'shared' });
    const b = make({ ...cloud(remote).options, prefix: 'shared' });
    await Promise.all([a.ready(), b.ready()]);
    await a.storage.set('k', 'v1');
    await a.sync!.flush();
    await b.sync!.pull();
    expect(await b.storage.get('k')).toBe('v1');
    expect(b.cache?.memoryKeys()).toContain('k');

    await a.storage.set('k', 'v2');
    await a.sync!.flush();
    await b.sync!.pull();
    expect(await b.storage.get('k')).toBe('v2');
  });

  it('the offline queue applies collection operations once, after reconnecting', async () => {
    const remote = memoryRemote();
    const { network, options } = cloud(remote, testNetwork(false));
    const s = make(options);
    await s.ready();
    await s.offlineQueue!.add({ type: 'increment', collection: 'stats', id: 'visits', data: { n: 1 } });
    await s.offlineQueue!.add({ type: 'increment', collection: 'stats', id: 'visits', data: { n: 2 } });
    expect(await s.offlineQueue!.size()).toBe(2);
    network.online.set(true);
    await vi.waitFor(() => expect(remote.readDoc('stats', 'visits')).toEqual({ n: 3 }), { timeout: 5000 });
    expect(await s.offlineQueue!.size()).toBe(0);
  });

  it('offlineQueue: false keeps sync but no operation queue', async () => {
    const s = make({ cloud: { remote: memoryRemote(), sync: quietSync(), offlineQueue: false } });
    await s.ready();
    expect(s.sync).toBeDefined();
    expect(s.offlineQueue).toBeUndefined();
  });
});
