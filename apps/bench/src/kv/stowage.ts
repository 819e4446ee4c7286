import { createStorage } from '@stowage/core';
import type { StorageOptions } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { createMiniStorage } from '@stowage/mini';
import { deleteDb } from './idb.js';
import type { KvContender } from './kv-contender.js';

/** Room for the 50k-entry hydration (≈ 11 MB) over the 10 MB default, as an app holding that much sets. */
const LIMITS = { maxTotalBytes: 64 * 1024 * 1024 } as const;

function options(name: string): StorageOptions {
  return { driver: indexedDbDriver({ dbName: name }), prefix: 'bench', limits: LIMITS };
}

/**
 * `createStorage` over `indexedDbDriver`, default options otherwise (auto-batching, change events,
 * cross-tab broadcast all on). Scans use the public API: `keys()` then `getMany()`. Its cold start
 * is the mini API's `ready()`: a new Storage + mirror hydrated with every value, as the Sync API
 * needs before the first `getStorageSync`.
 */
export const stowage: KvContender = {
  name: 'Stowage createStorage + indexedDbDriver',
  coldLoadName: 'Stowage createMiniStorage().ready() (Sync mirror)',
  ours: true,
  async open(name) {
    await deleteDb(name);
    const storage = createStorage(options(name));
    await storage.ready();
    return {
      naiveSet: (list) => Promise.all(list.map(([k, v]) => storage.set(k, v))),
      setMany: (list) => storage.setMany(list),
      getMany: (keys) => storage.getMany(keys),
      get: (key) => storage.get(key),
      keys: () => storage.keys(),
      async coldKeys() {
        const fresh = createStorage(options(name));
        try {
          return await fresh.keys();
        } finally {
          await fresh.close();
        }
      },
      async scan() {
        return (await storage.scan()).map((e): [string, unknown] => [e.key, e.value]);
      },
      async coldLoad(verify) {
        const mini = createMiniStorage({ ...options(name), pagehideTarget: false });
        try {
          await mini.ready();
          // Counting means sorting every key (getStorageInfoSync): only when verifying, not timed.
          return verify ? mini.getStorageInfoSync().keys.length : 0;
        } finally {
          await mini.close();
        }
      },
      async close() {
        await storage.close();
        await deleteDb(name);
      },
    };
  },
};
