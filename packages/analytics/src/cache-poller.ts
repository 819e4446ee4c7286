import { StowageError } from '@stowage/core';
import type { CacheManagerLike, CacheSource, TierCounters } from './sources.js';
import type { CacheTotals, StatsState } from './stats-state.js';

/** The cumulative counters of a cache at one moment, in one shape whatever the cache. */
interface Reading {
  tiers: Record<string, TierCounters>;
  loads: number;
  loadErrors: number;
  staleHits: number;
  evictions: number;
}

const num = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0);
const tier = (t: TierCounters | undefined): TierCounters => ({ hits: num(t?.hits), misses: num(t?.misses) });

/** How to read a cache, chosen once by what it offers; `invalid-argument` when it offers none. */
export function cacheReader(cache: CacheSource): () => Reading {
  const c = cache as unknown as Record<string, unknown>;
  if (typeof c?.getStats === 'function') {
    return () => {
      const s = (cache as CacheManagerLike).getStats();
      const tiers: Record<string, TierCounters> = { memory: tier(s.memory) };
      if (s.storage) tiers.storage = tier(s.storage);
      return { tiers, loads: num(s.loads), loadErrors: num(s.loadErrors), staleHits: num(s.staleHits), evictions: num(s.memory?.evictions) };
    };
  }
  const method = typeof c?.memoryStats === 'function' ? 'memoryStats' : typeof c?.stats === 'function' ? 'stats' : undefined;
  if (method === undefined) {
    throw new StowageError('invalid-argument', 'attachCache needs a cache manager (getStats), a memory-cached storage (memoryStats) or an LRU cache (stats)');
  }
  return () => {
    const s = (c[method] as () => TierCounters & { evictions?: number }).call(cache);
    return { tiers: { memory: tier(s) }, loads: 0, loadErrors: 0, staleHits: 0, evictions: num(s.evictions) };
  };
}

/** A counter's growth since the last reading; one that went down was reset, so all of it is new. */
const grow = (now: number, before: number): number => (now >= before ? now - before : now);

/**
 * Adds what a cache counted since `last` to `into`; returns whether anything changed. Caches emit no
 * events, so this is how their activity reaches analytics without the cache knowing about it.
 */
export function addCacheDelta(into: CacheTotals, now: Reading, last: Reading): boolean {
  let changed = false;
  for (const [name, t] of Object.entries(now.tiers)) {
    const b = last.tiers[name] ?? { hits: 0, misses: 0 };
    const dh = grow(t.hits, b.hits);
    const dm = grow(t.misses, b.misses);
    if (dh === 0 && dm === 0) continue;
    const o = (into.tiers[name] ??= { hits: 0, misses: 0 });
    o.hits += dh;
    o.misses += dm;
    changed = true;
  }
  for (const k of ['loads', 'loadErrors', 'staleHits', 'evictions'] as const) {
    const dv = grow(now[k], last[k]);
    if (dv === 0) continue;
    into[k] += dv;
    changed = true;
  }
  return changed;
}

/** One attached cache: polls it and adds the deltas to the current stats. */
export class CachePoll {
  readonly #read: () => Reading;
  readonly #name: string;
  #last: Reading;

  constructor(cache: CacheSource, name: string) {
    this.#read = cacheReader(cache);
    this.#name = name;
    this.#last = this.#read();
  }

  /** Whether anything changed. A cache whose stats throw is reported by the caller. */
  poll(into: StatsState): boolean {
    const now = this.#read();
    const changed = addCacheDelta(into.cache(this.#name), now, this.#last);
    this.#last = now;
    return changed;
  }
}
