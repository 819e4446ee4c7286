import type { Entry } from '../data.js';
import { deleteDb, getManyInOneTransaction, withFreshConnection, openKvDb, requestDone, transactionDone } from './idb.js';
import type { KvContender } from './kv-contender.js';

/** Every key and value of the store, read with two getAll requests in one transaction. */
async function readAll(db: IDBDatabase): Promise<[string, unknown][]> {
  const store = db.transaction('kv').objectStore('kv');
  const [keys, values] = await Promise.all([requestDone(store.getAllKeys()), requestDone(store.getAll())]);
  return keys.map((k, i) => [k as string, values[i]]);
}

/**
 * IndexedDB with no library: the lower bound any wrapper is measured against. Writes are ONE
 * transaction resolved on `complete` (durable); batch reads collect results in `onsuccess`
 * callbacks (no promise per request) and resolve on the last one.
 */
export const rawIndexedDb: KvContender = {
  name: 'raw IndexedDB (one transaction)',
  async open(name) {
    await deleteDb(name);
    const db = await openKvDb(name);
    const putAll = (entries: readonly Entry[]): Promise<void> => {
      const tx = db.transaction('kv', 'readwrite');
      const store = tx.objectStore('kv');
      for (const [k, v] of entries) store.put(v, k);
      return transactionDone(tx);
    };
    return {
      naiveSet: (entries) => Promise.all(entries.map((e) => putAll([e]))),
      setMany: putAll,
      getMany: (keys) => getManyInOneTransaction(db, keys),
      get: (key) => requestDone(db.transaction('kv').objectStore('kv').get(key)),
      keys: async () => (await requestDone(db.transaction('kv').objectStore('kv').getAllKeys())) as string[],
      coldKeys: () => withFreshConnection(openKvDb, name, async (fresh) => (await requestDone(fresh.transaction('kv').objectStore('kv').getAllKeys())) as string[]),
      scan: () => readAll(db),
      coldLoad: () => withFreshConnection(openKvDb, name, async (fresh) => (await readAll(fresh)).length),
      async close() {
        db.close();
        await deleteDb(name);
      },
    };
  },
};
