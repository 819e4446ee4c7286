import type { CacheStats } from './cache-manager-types.js';
import type { LruStats } from './lru-types.js';

const rate = (hits: number, total: number): number => (total === 0 ? 0 : hits / total);

/** The raw counters of a cache manager; {@link statsOf} derives the reported figures. */
export interface CacheCounters {
  gets: number;
  memHits: number;
  memMisses: number;
  stoHits: number;
  stoMisses: number;
  staleHits: number;
  loads: number;
  loadErrors: number;
  deduped: number;
}

export const newCounters = (): CacheCounters => ({ gets: 0, memHits: 0, memMisses: 0, stoHits: 0, stoMisses: 0, staleHits: 0, loads: 0, loadErrors: 0, deduped: 0 });

/** Every get is a memory hit or miss, and every memory miss a storage hit or miss: the overall misses are the storage misses. */
export function statsOf(c: CacheCounters, lru: LruStats, recent?: CacheStats['recent']): CacheStats {
  const hits = c.memHits + c.stoHits;
  return {
    ...(recent ? { recent } : {}),
    memory: { hits: c.memHits, misses: c.memMisses, hitRate: rate(c.memHits, c.memHits + c.memMisses), size: lru.size, bytes: lru.bytes, evictions: lru.evictions },
    storage: { hits: c.stoHits, misses: c.stoMisses, hitRate: rate(c.stoHits, c.stoHits + c.stoMisses) },
    gets: c.gets,
    hits,
    misses: c.stoMisses,
    hitRate: rate(hits, c.gets),
    staleHits: c.staleHits,
    loads: c.loads,
    loadErrors: c.loadErrors,
    dedupedLoads: c.deduped,
  };
}
