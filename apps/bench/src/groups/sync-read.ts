import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { createMiniStorage } from '@stowage/mini';
import { smallEntries } from '../data.js';
import type { Entry } from '../data.js';
import { deleteDb } from '../kv/idb.js';
import { check, sameData } from '../kv/contenders.js';
import type { BenchGroup } from '../types.js';

/**
 * Synchronous reads of `count` ~200 B values, each key once: the mini API's `getStorageSync` (served
 * by the in-memory mirror, a fresh parsed copy per read) vs `localStorage.getItem` + `JSON.parse`.
 */
export function syncReadGroup(id: string, count: number): BenchGroup {
  let cached: Entry[] | undefined;
  const data = (): Entry[] => (cached ??= smallEntries(count));
  const readAll = (read: (key: string) => unknown): (() => unknown) => () => {
    let last: unknown;
    for (const [k] of data()) last = read(k);
    return last;
  };
  return {
    id,
    title: `Synchronous reads: ${count.toLocaleString('en')} values of ~200 B JSON, each key once`,
    settings: { rounds: 3 },
    metrics: [{ key: 'read', label: `ms per ${count.toLocaleString('en')} reads`, unit: 'ms', better: 'lower' }],
    cases: [
      {
        name: 'Stowage mini getStorageSync (mirror)',
        ours: true,
        async setup() {
          const name = `bench-${id}-mini`;
          await deleteDb(name);
          const mini = createMiniStorage({ driver: indexedDbDriver({ dbName: name }), pagehideTarget: false });
          await mini.storage.setMany(data());
          await mini.ready();
          const probe = data()[count >> 1] as Entry;
          check(sameData(mini.getStorageSync(probe[0]), probe[1]), 'getStorageSync returned something else');
          return {
            timed: { read: readAll((k) => mini.getStorageSync(k)) },
            async teardown() {
              await mini.close();
              await deleteDb(name);
            },
          };
        },
      },
      {
        name: 'localStorage.getItem + JSON.parse',
        setup() {
          localStorage.clear();
          for (const [k, v] of data()) localStorage.setItem(k, JSON.stringify(v));
          const probe = data()[count >> 1] as Entry;
          const read = (k: string): unknown => {
            const text = localStorage.getItem(k);
            return text === null ? '' : JSON.parse(text);
          };
          check(sameData(read(probe[0]), probe[1]), 'localStorage returned something else');
          return { timed: { read: readAll(read) }, teardown: () => localStorage.clear() };
        },
      },
    ],
  };
}
