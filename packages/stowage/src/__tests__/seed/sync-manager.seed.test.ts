// Seed 001, "数据同步策略" (SyncManager) and "离线数据处理" (OfflineManager): their every cloud call is
// wx.cloud, which Stowage does not emulate, so each method maps to one line on createSync /
// createOfflineQueue (packages/mini/README.md, "Porting seed 001"); the seed's usage runs on that.
import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, memoryLocks } from '@stowage/core';
import type { Driver } from '@stowage/core';
import { manualClock, manualOnline, memoryBroadcast } from '@stowage/core/testing';
import { createNetworkMonitor, createOfflineQueue, createSync } from '@stowage/sync';
import type { OfflineOperation } from '@stowage/sync';
import { memoryRemote, type MemoryRemote } from '@stowage/sync/memory-remote';

const BACKOFF = { baseMs: 10, factor: 1.5, maxMs: 100, jitter: 0 };

function device(remote: MemoryRemote, clock: ReturnType<typeof manualClock>, driver: Driver = memoryDriver()) {
  const storage = createStorage({ driver, prefix: 'app', clock, broadcast: false });
  const online = manualOnline();
  const network = createNetworkMonitor({ online });
  const sync = createSync({ storage, remote, clock, network, locks: memoryLocks(), broadcast: memoryBroadcast(), pullInterval: 0, backoff: BACKOFF });
  // The seed's SyncManager, one line per method.
  const syncManager = {
    addSyncTask: (task: { type: 'upload' | 'download' | 'delete'; key: string; data?: unknown }) =>
      ({ upload: () => storage.set(task.key, task.data), download: () => sync.download(task.key), delete: () => storage.remove(task.key) })[task.type](),
    uploadData: (key: string, data: unknown) => storage.set(key, data), // the outbox pushes it, now or after reconnect
    downloadData: (key: string) => sync.download(key),
    deleteData: (key: string) => storage.remove(key), // a tombstone, pushed like any write
    fullSync: () => sync.fullSync(),
    incrementalSync: () => sync.pull(), // the checkpoint replaces lastSyncTime
  };
  return { storage, sync, online, syncManager };
}

describe("seed 001's SyncManager on createSync", () => {
  it('upload while offline is kept and pushed on reconnect; the other device gets it by incrementalSync; delete and download follow', async () => {
    const clock = manualClock();
    const remote = memoryRemote({ clock });
    const a = device(remote, clock);
    const b = device(remote, clock);
    await a.sync.ready();
    await b.sync.ready();
    a.online.set(false);
    await a.syncManager.uploadData('userInfo', { id: 1, name: '张三' });
    await a.syncManager.addSyncTask({ type: 'upload', key: 'settings', data: { theme: 'dark' } });
    expect((await a.sync.status()).pending).toBe(2);
    expect(remote.peek('userInfo')).toBeUndefined();
    a.online.set(true);
    await a.sync.flush();
    expect(await b.syncManager.incrementalSync()).toBe(2);
    expect(await b.storage.get('userInfo')).toEqual({ id: 1, name: '张三' });
    await b.syncManager.deleteData('settings');
    await b.sync.flush();
    expect(await a.syncManager.downloadData('settings')).toBe(true);
    expect(await a.storage.has('settings')).toBe(false);
    await a.syncManager.addSyncTask({ type: 'delete', key: 'userInfo' });
    await a.sync.flush();
    expect(remote.peek('userInfo')?.deleted).toBe(true);
  });

  it('the seed retries a task 3 times then drops it; here a transport failure backs off and retries until it lands', async () => {
    const clock = manualClock();
    const remote = memoryRemote({ clock });
    const a = device(remote, clock);
    await a.sync.ready();
    remote.faults.failNext(5);
    await a.syncManager.uploadData('k', 1);
    await a.sync.flush().catch(() => undefined);
    for (let i = 0; i < 10 && remote.peek('k') === undefined; i++) await clock.advance(200);
    expect(remote.peek('k')?.value).toBe(1);
    expect(await a.sync.deadLetters()).toEqual([]);
  });

  it('fullSync reconciles both ways: keys written before sync existed go up, cloud-only keys come down', async () => {
    const clock = manualClock();
    const remote = memoryRemote({ clock });
    const driver = memoryDriver();
    await createStorage({ driver, prefix: 'app', clock, broadcast: false }).set('local-only', 'old data');
    const b = device(remote, clock);
    await b.sync.ready();
    await b.storage.set('cloud-only', 'from b');
    await b.sync.flush();
    const a = device(remote, clock, driver);
    await a.sync.ready();
    expect(await a.syncManager.fullSync()).toEqual({ pulled: 1, pushed: 1 });
    expect(await a.storage.get('cloud-only')).toBe('from b');
    expect(remote.peek('local-only')?.value).toBe('old data');
  });
});

describe("seed 001's OfflineManager on createOfflineQueue", () => {
  function offlineDevice(remote: MemoryRemote, driver: Driver, online = manualOnline(false)) {
    const network = createNetworkMonitor({ online });
    const ops = createOfflineQueue({ remote, driver, network, locks: memoryLocks(), broadcast: memoryBroadcast(), backoff: BACKOFF });
    let n = 0;
    // The seed's OfflineManager, one line per method (its `data` carries collection + record/updates).
    const offlineManager = {
      addOfflineOperation: (op: { type: 'create' | 'update' | 'delete'; id?: string; data: { collection: string; record?: Record<string, unknown>; updates?: Record<string, unknown> } }) =>
        ops.add({ type: op.type, collection: op.data.collection, id: op.id ?? `doc${++n}`, ...(op.type === 'delete' ? {} : { data: op.data.record ?? op.data.updates }) } as OfflineOperation),
      processOfflineQueue: () => ops.flush(), // also automatic when the network comes back
      restoreOfflineQueue: () => ops.list(), // persisted: nothing to restore by hand
      clearOfflineQueue: () => ops.cancel(),
      get isOnline() { return network.state().online; },
    };
    return { ops, online, offlineManager };
  }

  it('operations added offline survive a reload and are applied once, in order, when the network is back', async () => {
    const remote = memoryRemote();
    const driver = memoryDriver();
    const before = offlineDevice(remote, driver);
    await before.ops.ready();
    expect(before.offlineManager.isOnline).toBe(false);
    await before.offlineManager.addOfflineOperation({ type: 'create', id: 't1', data: { collection: 'todos', record: { title: '买牛奶' } } });
    await before.offlineManager.addOfflineOperation({ type: 'update', id: 't1', data: { collection: 'todos', updates: { done: true } } });
    await before.ops.close();

    const online = manualOnline(false);
    const after = offlineDevice(remote, driver, online);
    await after.ops.ready();
    expect((await after.offlineManager.restoreOfflineQueue()).map((o) => o.type)).toEqual(['create', 'update']);
    online.set(true);
    for (let i = 0; i < 50 && (await after.ops.size()) > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(remote.readDoc('todos', 't1')).toEqual({ title: '买牛奶', done: true });
    await after.offlineManager.processOfflineQueue();
    expect(remote.calls.apply).toBeLessThanOrEqual(2);
    await after.ops.close();
  });

  it('clearOfflineQueue takes back what is pending: none of it reaches the cloud', async () => {
    const remote = memoryRemote();
    const { ops, online, offlineManager } = offlineDevice(remote, memoryDriver());
    await ops.ready();
    await offlineManager.addOfflineOperation({ type: 'create', data: { collection: 'todos', record: { title: 'x' } } });
    expect((await offlineManager.clearOfflineQueue()).cancelled).toHaveLength(1);
    online.set(true);
    await offlineManager.processOfflineQueue();
    expect(remote.readDoc('todos', 'doc1')).toBeUndefined();
    await ops.close();
  });
});
