import Dexie from 'dexie';
import type { Table } from 'dexie';
import type { KvContender } from './kv-contender.js';

/** A Dexie database with one table `kv` whose keys are out-of-line (like the other contenders). */
async function openDexie(name: string): Promise<{ db: Dexie; table: Table<unknown, string> }> {
  const db = new Dexie(name);
  db.version(1).stores({ kv: '' });
  await db.open();
  return { db, table: db.table('kv') };
}

/** Dexie 4: `put`/`get` per call, `bulkPut`/`bulkGet` in one transaction, `toArray` for scans. */
export const dexie: KvContender = {
  name: 'Dexie',
  coldLoadName: 'Dexie (new instance) toArray()',
  async open(name) {
    await Dexie.delete(name);
    const { db, table } = await openDexie(name);
    return {
      naiveSet: (list) => Promise.all(list.map(([k, v]) => table.put(v, k))),
      setMany: (list) => table.bulkPut(list.map(([, v]) => v), list.map(([k]) => k)),
      getMany: (keys) => table.bulkGet(keys as string[]),
      get: (key) => table.get(key),
      keys: () => table.toCollection().primaryKeys(),
      scan: () =>
        db.transaction('r', table, async () => {
          const [keys, values] = await Promise.all([table.toCollection().primaryKeys(), table.toArray()]);
          return keys.map((k, i): [string, unknown] => [k, values[i]]);
        }),
      async coldLoad() {
        const fresh = await openDexie(name);
        try {
          return (await fresh.table.toArray()).length;
        } finally {
          fresh.db.close();
        }
      },
      async close() {
        db.close();
        await Dexie.delete(name);
      },
    };
  },
};
