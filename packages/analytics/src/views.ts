import type { StatsState } from './stats-state.js';
import type { AnalyticsStats, CacheCounters, GrowthSample, HotDataReport, HotKey, OperationStats } from './stats-types.js';

const rate = (hits: number, misses: number): number => (hits + misses === 0 ? 0 : hits / (hits + misses));

/** The public stats of a (merged, key-hashed) state. */
export function statsView(s: StatsState, now: number): AnalyticsStats {
  const operations: Record<string, OperationStats> = {};
  for (const [op, h] of [...s.ops].sort(([a], [b]) => (a < b ? -1 : 1))) {
    operations[op] = {
      count: h.count,
      errors: h.errors,
      meanMs: h.count ? h.totalMs / h.count : 0,
      minMs: h.count ? h.minMs : 0,
      maxMs: h.maxMs,
      p50Ms: h.percentile(0.5),
      p90Ms: h.percentile(0.9),
      p99Ms: h.percentile(0.99),
    };
  }
  const caches: Record<string, CacheCounters> = {};
  for (const [name, c] of s.caches) {
    caches[name] = {
      tiers: Object.fromEntries(Object.entries(c.tiers).map(([t, v]) => [t, { hits: v.hits, misses: v.misses, hitRate: rate(v.hits, v.misses) }])),
      loads: c.loads,
      loadErrors: c.loadErrors,
      staleHits: c.staleHits,
      evictions: c.evictions,
    };
  }
  const { hits, misses } = s.counters;
  return {
    since: s.since ?? now,
    ...s.counters,
    hitRate: rate(hits, misses),
    errors: Object.fromEntries([...s.errors].sort(([a], [b]) => (a < b ? -1 : 1))),
    operations,
    caches,
    sync: { ...s.sync, other: Object.fromEntries(Object.entries(s.sync.other)) },
  };
}

/** The top `n` keys of a (merged, key-hashed) state. */
export function hotDataView(s: StatsState, n: number): HotDataReport {
  const totalAccesses = s.counters.reads + s.counters.writes;
  const keys: HotKey[] = s.hot.top(n).map(([key, e]) => {
    const k: HotKey = { key, accesses: e.count, reads: e.reads, writes: e.writes, error: e.error, share: totalAccesses ? Math.min(1, e.count / totalAccesses) : 0 };
    if (e.size !== undefined) k.size = e.size;
    return k;
  });
  const top = keys.reduce((sum, k) => sum + k.accesses, 0);
  return {
    keys,
    totalAccesses,
    topShare: totalAccesses ? Math.min(1, top / totalAccesses) : 0,
    topBytes: keys.reduce((sum, k) => sum + (k.size ?? 0), 0),
  };
}

/** KB per hour between the first and the last sample. */
export function growthRate(samples: readonly GrowthSample[]): number {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.at <= first.at) return 0;
  return ((last.sizeKb - first.sizeKb) / (last.at - first.at)) * 3_600_000;
}
