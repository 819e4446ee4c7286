import { memoryLocks, type OnlinePort } from '@stowage/core';
import { memoryBroadcast as memoryBus } from '@stowage/core/testing';
import { createNetworkMonitor, type NetworkMonitor } from '@stowage/sync';

/** A connectivity port a test switches, as navigator.onLine + online/offline events would be. */
export function switchableOnline(initial = true): OnlinePort & { set(online: boolean): void } {
  let online = initial;
  const listeners = new Set<(o: boolean) => void>();
  return {
    isOnline: () => online,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    set(next) {
      online = next;
      for (const l of [...listeners]) l(next);
    },
  };
}

/** A network monitor over a switchable port. */
export function testNetwork(initial = true): { network: NetworkMonitor; online: ReturnType<typeof switchableOnline> } {
  const online = switchableOnline(initial);
  return { network: createNetworkMonitor({ online }), online };
}

/** Sync options that keep a test in-process: no timers, no BroadcastChannel, in-page locks. */
export const quietSync = () => ({ pullInterval: 0, locks: memoryLocks(), broadcast: memoryBus() });

/**
 * Every key and value of an IndexedDB database's `kv` store, read with the raw IndexedDB API (not
 * through Stowage), for browser tests that check what actually landed on disk.
 */
export async function rawStore(dbName: string): Promise<{ keys: string[]; values: unknown[] }> {
  const conn = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(dbName);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    const store = conn.transaction('kv', 'readonly').objectStore('kv');
    const read = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const [keys, values] = await Promise.all([read(store.getAllKeys()), read(store.getAll())]);
    return { keys: keys.map(String), values };
  } finally {
    conn.close();
  }
}
