import localforage from 'localforage';
import type { KvContender } from './kv-contender.js';

/** Iterates every item (localforage reads with a cursor). */
async function readAll(lf: LocalForage): Promise<[string, unknown][]> {
  const out: [string, unknown][] = [];
  await lf.iterate((value, key) => {
    out.push([key, value]);
  });
  return out;
}

function instance(name: string): LocalForage {
  return localforage.createInstance({ name, storeName: 'kv', driver: localforage.INDEXEDDB });
}

/** localforage 1.10 on its IndexedDB driver: one transaction per call, no batch API. */
export const localForage: KvContender = {
  name: 'localforage',
  async open(name) {
    await localforage.dropInstance({ name });
    const lf = instance(name);
    await lf.ready();
    return {
      naiveSet: (list) => Promise.all(list.map(([k, v]) => lf.setItem(k, v))),
      get: (key) => lf.getItem(key),
      keys: () => lf.keys(),
      scan: () => readAll(lf),
      async coldLoad() {
        // localforage shares one connection per database name across instances; a new instance
        // is still what an app builds at start-up.
        const fresh = instance(name);
        await fresh.ready();
        return (await readAll(fresh)).length;
      },
      close: () => lf.dropInstance({ name }),
    };
  },
};
