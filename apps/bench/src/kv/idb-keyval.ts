import { createStore, entries, get, getMany, keys, set, setMany } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import { deleteDb } from './idb.js';
import type { KvContender } from './kv-contender.js';

/** idb-keyval keeps its connection for the page's life; closing it is the only way to delete the database. */
function closeConnection(store: UseStore): Promise<void> {
  return store('readonly', (s) => s.transaction.db.close());
}

/** idb-keyval 6: one transaction per `set`/`get`; `setMany`/`getMany` batch in one transaction. */
export const idbKeyval: KvContender = {
  name: 'idb-keyval',
  async open(name) {
    await deleteDb(name);
    const store = createStore(name, 'kv');
    return {
      naiveSet: (list) => Promise.all(list.map(([k, v]) => set(k, v, store))),
      setMany: (list) => setMany(list as [string, unknown][], store),
      getMany: (keys) => getMany(keys as string[], store),
      get: (key) => get(key, store),
      keys: () => keys<string>(store),
      scan: () => entries<string, unknown>(store),
      async coldLoad() {
        const fresh = createStore(name, 'kv'); // a new createStore opens its own connection
        try {
          return (await entries(fresh)).length;
        } finally {
          await closeConnection(fresh);
        }
      },
      async close() {
        await closeConnection(store);
        await deleteDb(name);
      },
    };
  },
};
