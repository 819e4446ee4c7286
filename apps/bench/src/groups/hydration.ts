import { smallEntries } from '../data.js';
import { check, dbName, KV_CONTENDERS } from '../kv/contenders.js';
import type { BenchGroup } from '../types.js';

/** localStorage cannot hold this many ~200 B values (its per-origin quota); it sits out above it. */
const LOCAL_STORAGE_MAX = 20_000;

/**
 * Cold start: a store holding `count` values is opened anew and every value read into memory, as
 * an app does at start-up. For Stowage that is `createMiniStorage(…).ready()`, which hydrates the
 * mirror behind the Sync API (keys, sizes, expiry, JSON of every value); for Dexie it is a new
 * `Dexie` instance and `table.toArray()`.
 */
export function hydrationGroup(id: string, count: number): BenchGroup {
  const contenders = KV_CONTENDERS.filter((c) => c.name !== 'localStorage + JSON' || count <= LOCAL_STORAGE_MAX);
  return {
    id,
    title: `Cold-start hydration of ${count.toLocaleString('en')} values of ~200 B JSON (new connection → all values in memory)`,
    note: 'Stowage: createMiniStorage().ready() fills the Sync mirror; raw IndexedDB: getAllKeys + getAll (out-of-line keys) or one getAll of `{ k, v }` rows (inbound keys: the floor); idb-keyval: entries(); localforage: iterate(); Dexie: toArray() (values only); localStorage: every item parsed.' +
      (count > LOCAL_STORAGE_MAX ? ' localStorage sits out: this much JSON is over its per-origin quota.' : ''),
    settings: { warmup: count > 20_000 ? 0 : 1, repetitions: 5 },
    metrics: [{ key: 'load', label: 'hydrate ms', unit: 'ms', better: 'lower' }],
    cases: contenders.map((c) => ({
      name: c.coldLoadName ?? c.name,
      ...(c.ours ? { ours: true } : {}),
      async setup() {
        const entries = smallEntries(count);
        const store = await c.open(dbName(id, c));
        await (store.setMany ?? store.naiveSet)(entries);
        const load = store.coldLoad;
        if (!load) throw new Error(`${c.name} has no cold load`);
        const loaded = await load(true);
        check(loaded === count, `${c.name} hydrated ${loaded} of ${count} values`);
        return { timed: { load: () => load() }, teardown: () => store.close() };
      },
    })),
  };
}
