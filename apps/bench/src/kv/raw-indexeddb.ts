import type { Entry } from '../data.js';
import { deleteDb, openKvDb, requestDone, transactionDone } from './idb.js';
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
      getMany(keys) {
        if (keys.length === 0) return Promise.resolve([]);
        const tx = db.transaction('kv');
        const store = tx.objectStore('kv');
        const out = new Array<unknown>(keys.length);
        // Requests of one transaction succeed in order: the last success means every value is in,
        // without waiting for the read transaction's `complete` (one more round trip).
        return new Promise((resolve, reject) => {
          keys.forEach((k, i) => {
            const request = store.get(k);
            request.onsuccess = () => {
              out[i] = request.result;
              if (i === keys.length - 1) resolve(out);
            };
          });
          tx.onabort = () => reject(tx.error);
        });
      },
      get: (key) => requestDone(db.transaction('kv').objectStore('kv').get(key)),
      keys: async () => (await requestDone(db.transaction('kv').objectStore('kv').getAllKeys())) as string[],
      async coldKeys() {
        const fresh = await openKvDb(name);
        try {
          return (await requestDone(fresh.transaction('kv').objectStore('kv').getAllKeys())) as string[];
        } finally {
          fresh.close();
        }
      },
      scan: () => readAll(db),
      async coldLoad() {
        const fresh = await openKvDb(name);
        try {
          return (await readAll(fresh)).length;
        } finally {
          fresh.close();
        }
      },
      async close() {
        db.close();
        await deleteDb(name);
      },
    };
  },
};
