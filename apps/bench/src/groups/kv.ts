import { smallEntries } from '../data.js';
import type { Entry } from '../data.js';
import { check, dbName, KV_CONTENDERS, sameData } from '../kv/contenders.js';
import type { KvStore } from '../kv/kv-contender.js';
import type { BenchGroup, MetricDef } from '../types.js';

const METRICS: MetricDef[] = [
  { key: 'naive', label: 'Promise.all(set) ms', unit: 'ms', better: 'lower' },
  { key: 'setMany', label: 'setMany ms', unit: 'ms', better: 'lower' },
  { key: 'getMany', label: 'getMany ms', unit: 'ms', better: 'lower' },
  { key: 'get', label: 'sequential get ms', unit: 'ms', better: 'lower' },
  { key: 'scan', label: 'full scan ms', unit: 'ms', better: 'lower' },
  { key: 'keys', label: 'keys ms', unit: 'ms', better: 'lower' },
  { key: 'coldKeys', label: 'keys, new instance ms', unit: 'ms', better: 'lower' },
];

/** Reads back through every read path once and compares with what was written. */
async function verify(store: KvStore, entries: readonly Entry[], name: string): Promise<void> {
  const probe = entries[entries.length >> 1] as Entry;
  check(sameData(await store.get(probe[0]), probe[1]), `${name} get returned something else`);
  if (store.getMany) {
    const values = await store.getMany(entries.map(([k]) => k));
    check(values.length === entries.length && values.every((v, i) => sameData(v, (entries[i] as Entry)[1])), `${name} getMany returned something else`);
  }
  const all = new Map(await store.scan());
  check(all.size === entries.length && sameData(all.get(probe[0]), probe[1]), `${name} scan found ${all.size} of ${entries.length} entries`);
  const keys = new Set(await store.keys());
  check(keys.size === entries.length && entries.every(([k]) => keys.has(k)), `${name} keys found ${keys.size} of ${entries.length} keys`);
}

/**
 * Key-value stores on `count` values of ~200 B JSON: every write pattern and read path, each
 * contender in its own database, the same entries for all. Writes overwrite the same keys, so every
 * timed call meets a store of the same size.
 */
export function kvGroup(id: string, count: number): BenchGroup {
  let cached: Entry[] | undefined;
  const data = (): Entry[] => (cached ??= smallEntries(count));
  const heavy = count > 5000;
  return {
    id,
    title: `Key-value stores: ${count.toLocaleString('en')} values of ~200 B JSON`,
    note: 'Promise.all(set): one set() per value, all started at once. setMany/getMany: the library\'s batch API ("—": it has none). sequential get: await get(k) for every key. full scan: every key with its value. keys: every key, no values ("new instance": a new connection or storage first, as at page start; raw IndexedDB and Stowage only). The raw cases are the floors: out-of-line keys (getAllKeys + getAll for a scan, getAllKeys for keys) and inbound keys (`{ k, v }` rows in a keyPath store: one getAll for a scan).',
    // Up to seconds per call at 20k (localforage's one transaction per write).
    // The calibration call (untimed) is the warm-up of heavy cases.
    settings: heavy ? { warmup: 0, repetitions: 5 } : { warmup: 2, repetitions: 7 },
    metrics: METRICS,
    cases: KV_CONTENDERS.map((c) => ({
      name: c.name,
      ...(c.ours ? { ours: true } : {}),
      async setup() {
        const entries = data();
        const keys = entries.map(([k]) => k);
        const store = await c.open(dbName(id, c));
        await store.naiveSet(entries);
        await verify(store, entries, c.name);
        const timed: Record<string, () => unknown> = {
          naive: () => store.naiveSet(entries),
          get: async () => {
            for (const k of keys) await store.get(k);
          },
          scan: () => store.scan(),
          keys: () => store.keys(),
        };
        if (store.setMany) timed.setMany = () => store.setMany?.(entries);
        if (store.getMany) timed.getMany = () => store.getMany?.(keys);
        if (store.coldKeys) {
          check((await store.coldKeys()).length === entries.length, `${c.name} coldKeys found another count of keys`);
          timed.coldKeys = () => store.coldKeys?.();
        }
        return { timed, teardown: () => store.close() };
      },
    })),
  };
}
