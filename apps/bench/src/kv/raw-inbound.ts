import type { Entry } from '../data.js';
import { deleteDb, getManyInOneTransaction, withFreshConnection, requestDone, transactionDone } from './idb.js';
import type { KvContender } from './kv-contender.js';

/** What the inbound-key store holds: the value with its key beside it, the least a key-value store can keep. */
interface Row {
  k: string;
  v: unknown;
}

/** Opens (creating if needed) database `name` with one object store `kv` whose key is each row's `k` (keyPath). */
function openInboundDb(name: string): Promise<IDBDatabase> {
  const request = indexedDB.open(name);
  request.onupgradeneeded = () => request.result.createObjectStore('kv', { keyPath: 'k' });
  return requestDone(request);
}

/** Every row of the store: ONE getAll, since each row carries its key. */
async function readAll(db: IDBDatabase): Promise<[string, unknown][]> {
  const rows = (await requestDone(db.transaction('kv').objectStore('kv').getAll())) as Row[];
  return rows.map((r) => [r.k, r.v]);
}

/**
 * The floor of scans and hydration (issue 21): values that carry their key (`{ k, v }` in a keyPath
 * store), so one `getAll` returns every key with its value — what Dexie's `toArray()` does, with the
 * one wrapper a store needs to hand back the app's value unchanged. Writes are ONE transaction
 * resolved on `complete`; batch reads collect results in `onsuccess` callbacks, as the raw contender.
 */
export const rawInboundIndexedDb: KvContender = {
  name: 'raw IndexedDB inbound keys (keyPath, one getAll)',
  async open(name) {
    await deleteDb(name);
    const db = await openInboundDb(name);
    const putAll = (entries: readonly Entry[]): Promise<void> => {
      const tx = db.transaction('kv', 'readwrite');
      const store = tx.objectStore('kv');
      for (const [k, v] of entries) store.put({ k, v } satisfies Row);
      return transactionDone(tx);
    };
    return {
      naiveSet: (entries) => Promise.all(entries.map((e) => putAll([e]))),
      setMany: putAll,
      getMany: (keys) => getManyInOneTransaction(db, keys, (row) => (row as Row | undefined)?.v),
      get: async (key) => ((await requestDone(db.transaction('kv').objectStore('kv').get(key))) as Row | undefined)?.v,
      keys: async () => (await requestDone(db.transaction('kv').objectStore('kv').getAllKeys())) as string[],
      scan: () => readAll(db),
      coldLoad: () => withFreshConnection(openInboundDb, name, async (fresh) => (await readAll(fresh)).length),
      async close() {
        db.close();
        await deleteDb(name);
      },
    };
  },
};
