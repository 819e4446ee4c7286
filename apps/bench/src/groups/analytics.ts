import { createAnalytics, instrument } from '@stowage/analytics';
import type { Analytics } from '@stowage/analytics';
import { createStorage } from '@stowage/core';
import type { Storage } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { smallEntries } from '../data.js';
import type { Entry } from '../data.js';
import { deleteDb } from '../kv/idb.js';
import { check, sameData } from '../kv/contenders.js';
import type { BenchCase, BenchGroup } from '../types.js';

type Mode = 'off' | 'memory' | 'persisted';

/**
 * The storage workload of the key-value groups with analytics off, on (in memory) and on with its
 * stats persisted (a second namespace of the same database, throttled writes): what `instrument()`
 * and the event listeners cost per operation.
 */
function analyticsCase(groupId: string, mode: Mode, data: () => Entry[]): BenchCase {
  const labels: Record<Mode, string> = {
    off: 'Stowage storage, analytics off',
    memory: 'Stowage storage + instrument(createAnalytics())',
    persisted: 'Stowage storage + instrument(createAnalytics({ storage })) (stats persisted)',
  };
  return {
    name: labels[mode],
    ours: true,
    async setup() {
      const name = `bench-${groupId}-${mode}`;
      await deleteDb(name);
      const driver = indexedDbDriver({ dbName: name });
      const inner = createStorage({ driver, prefix: 'app' });
      let analytics: Analytics | undefined;
      let stats: Storage | undefined;
      if (mode !== 'off') {
        if (mode === 'persisted') stats = createStorage({ driver: indexedDbDriver({ dbName: name }), prefix: 'analytics' });
        analytics = createAnalytics({ ...(stats ? { storage: stats } : {}), pagehideTarget: false });
        await analytics.ready();
      }
      const storage = analytics ? instrument(inner, analytics) : inner;
      const entries = data();
      const keys = entries.map(([k]) => k);
      await Promise.all(entries.map(([k, v]) => storage.set(k, v)));
      const probe = entries[entries.length >> 1] as Entry;
      check(sameData(await storage.get(probe[0]), probe[1]), `${mode}: get returned something else`);
      if (analytics) check(analytics.getStats().operations.set?.count === entries.length, `${mode}: analytics did not count the writes`);
      return {
        timed: {
          naive: () => Promise.all(entries.map(([k, v]) => storage.set(k, v))),
          getMany: () => storage.getMany(keys),
          get: async () => {
            for (const k of keys) await storage.get(k);
          },
        },
        async teardown() {
          await analytics?.close();
          await storage.close();
          await stats?.close();
          await deleteDb(name);
        },
      };
    },
  };
}

/** Analytics on vs off over `count` ~200 B values. */
export function analyticsGroup(id: string, count: number): BenchGroup {
  let cached: Entry[] | undefined;
  const data = (): Entry[] => (cached ??= smallEntries(count));
  return {
    id,
    title: `Analytics on vs off: ${count.toLocaleString('en')} values of ~200 B JSON (IndexedDB)`,
    note: 'All three are Stowage; factors are against the fastest of them (analytics off, normally).',
    settings: { warmup: 2, repetitions: 7, rounds: 3 }, // a ratio of ~1: three rotated rounds
    metrics: [
      { key: 'naive', label: 'Promise.all(set) ms', unit: 'ms', better: 'lower' },
      { key: 'getMany', label: 'getMany ms', unit: 'ms', better: 'lower' },
      { key: 'get', label: 'sequential get ms', unit: 'ms', better: 'lower' },
    ],
    cases: (['off', 'memory', 'persisted'] as const).map((mode) => analyticsCase(id, mode, data)),
  };
}
