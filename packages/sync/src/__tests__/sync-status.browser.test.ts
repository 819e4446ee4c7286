// status() after a real reload: a new storage, driver and engine over the same IndexedDB database.
import { afterAll, expect, it } from 'vitest';
import { createStorage, memoryLocks, StowageError } from '@stowage/core';
import { manualOnline, memoryBroadcast } from '@stowage/core/testing';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { createNetworkMonitor, createSync } from '../index.js';
import { memoryRemote } from '../memory-remote.js';

const dbName = `sync-status-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
afterAll(async () => {
  await new Promise((done) => {
    const req = indexedDB.deleteDatabase(dbName);
    req.onsuccess = req.onerror = req.onblocked = done;
  });
});

const open = (remote: ReturnType<typeof memoryRemote>) => {
  const storage = createStorage({ driver: indexedDbDriver({ dbName }), prefix: 'app' });
  const sync = createSync({ storage, remote, pullInterval: 0, locks: memoryLocks(), broadcast: memoryBroadcast(), network: createNetworkMonitor({ online: manualOnline() }) });
  return { storage, sync };
};

it('lastSyncAt, counts and the last error are what they were before the reload', async () => {
  const remote = memoryRemote();
  const first = open(remote);
  await first.sync.ready();
  await first.storage.set('a', 1);
  await first.storage.set('b', 2);
  await first.sync.flush();
  remote.faults.failNext(1, new StowageError('unavailable', 'pull: no answer from the remote within 20000 ms'));
  await expect(first.sync.pull()).rejects.toMatchObject({ code: 'unavailable' });
  const before = await first.sync.status();
  await first.sync.close();
  await first.storage.close();

  const second = open(remote);
  await second.sync.ready();
  const after = await second.sync.status();
  expect(after.lastSyncAt).toBe(before.lastSyncAt);
  expect(after.counts).toEqual({ pushed: 2, pulled: 0, conflicts: 0 });
  expect(after.lastError).toMatchObject({ code: 'unavailable', message: 'pull: no answer from the remote within 20000 ms', details: { restored: true } });
  await second.sync.close();
  await second.storage.close();
});
