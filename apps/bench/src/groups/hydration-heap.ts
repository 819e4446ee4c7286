import { createStorage } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { createMiniStorage } from '@stowage/mini';
import { smallEntries } from '../data.js';
import { deleteDb, openKvDb, requestDone, transactionDone, withFreshConnection } from '../kv/idb.js';
import { check } from '../kv/contenders.js';
import type { BenchGroup, CaseInstance } from '../types.js';

/** Used heap bytes after a full collection, measured by the runner over CDP (`run.mjs`). */
export type HeapProbe = () => Promise<number>;

/** The probe the runner exposes, or `undefined` when the page was opened without it (then the group sits out). */
export function heapProbe(): HeapProbe | undefined {
  const f = (globalThis as { __benchHeapUsed?: () => Promise<number> }).__benchHeapUsed;
  return typeof f === 'function' ? f : undefined;
}

/**
 * Heap retained by what `fill` builds and hands back: used bytes after a full collection before
 * (earlier cases' garbage is not counted) and after (only what is still reachable is), while the
 * result is held.
 */
async function retained(probe: HeapProbe, fill: () => Promise<unknown>): Promise<{ held: unknown; bytes: number }> {
  const before = await probe();
  const held = await fill();
  return { held, bytes: (await probe()) - before };
}

const LIMITS = { maxTotalBytes: 64 * 1024 * 1024 } as const;
const PREFIX = 'bench';

/**
 * Memory after a cold start (issue 21 item 5): the heap the mini API retains once `ready()`
 * hydrated `count` values into its Sync mirror, against a plain `Map` of the same values read from
 * IndexedDB (`getAllKeys` + `getAll`: fresh objects, as the mirror's are). A third case writes one
 * value after `ready()`, which builds the storage's key index (sizes and expiry of every key, for
 * limits): what a storage with the mini API holds once the app writes.
 */
export function hydrationHeapGroup(id: string, count: number, probe: HeapProbe): BenchGroup {
  const stowageCase = (name: string, write: boolean) => ({
    name,
    ours: true,
    async setup(): Promise<CaseInstance> {
      const db = `bench-${id}-${write ? 'write' : 'mini'}`;
      await deleteDb(db);
      const storage = createStorage({ driver: indexedDbDriver({ dbName: db }), prefix: PREFIX, limits: LIMITS });
      await storage.setMany(smallEntries(count));
      await storage.close();
      return {
        timed: {},
        async sample() {
          const { held, bytes } = await retained(probe, async () => {
            const mini = createMiniStorage({ driver: indexedDbDriver({ dbName: db }), prefix: PREFIX, limits: LIMITS, pagehideTarget: false });
            await mini.ready();
            if (write) await mini.setStorage({ key: 'user:000000', data: { touched: true } });
            return mini;
          });
          const mini = held as ReturnType<typeof createMiniStorage>;
          check(mini.getStorageInfoSync().keys.length === count, `${name} hydrated another count`);
          await mini.close();
          return { heap: bytes };
        },
        teardown: () => deleteDb(db),
      };
    },
  });
  return {
    id,
    title: `Heap after hydrating ${count.toLocaleString('en')} values of ~200 B JSON (retained bytes, full GC before and after)`,
    note: 'CDP from the runner: HeapProfiler.collectGarbage, then Runtime.getHeapUsage usedSize, after minus before, the result held. Map: new connection, getAllKeys + getAll, every value into a Map. Stowage: createMiniStorage().ready() (the storage, its driver and the mirror).',
    settings: { warmup: 1, repetitions: 5 },
    metrics: [{ key: 'heap', label: 'heap bytes', unit: 'bytes', better: 'lower' }],
    cases: [
      stowageCase('Stowage createMiniStorage().ready() (Sync mirror)', false),
      stowageCase('Stowage mini ready() + one setStorage (key index built)', true),
      {
        name: 'Map of the same values (floor)',
        async setup(): Promise<CaseInstance> {
          const db = `bench-${id}-map`;
          await deleteDb(db);
          const conn = await openKvDb(db);
          const tx = conn.transaction('kv', 'readwrite');
          for (const [k, v] of smallEntries(count)) tx.objectStore('kv').put(v, k);
          await transactionDone(tx);
          conn.close();
          return {
            timed: {},
            async sample() {
              const { held, bytes } = await retained(probe, () =>
                withFreshConnection(openKvDb, db, async (fresh) => {
                  const store = fresh.transaction('kv').objectStore('kv');
                  const [keys, values] = await Promise.all([requestDone(store.getAllKeys()), requestDone(store.getAll())]);
                  const map = new Map<string, unknown>();
                  keys.forEach((k, i) => map.set(k as string, values[i]));
                  return map;
                }),
              );
              check((held as Map<string, unknown>).size === count, 'the Map holds another count');
              return { heap: bytes };
            },
            teardown: () => deleteDb(db),
          };
        },
      },
    ],
  };
}
