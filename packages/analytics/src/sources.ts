/**
 * The small structural interfaces analytics consumes from other packages. They are structural on
 * purpose: analytics depends on `@stowage/core` only, and the cache and sync packages never import
 * or call analytics — it only reads what they already expose.
 */

/** Hits and misses of one cache tier, as every Stowage cache reports them. */
export interface TierCounters {
  hits: number;
  misses: number;
}

/**
 * A cache manager (`createCacheManager` of `@stowage/cache`): read through `getStats()`. Only the
 * fields below are read; extra fields are ignored.
 */
export interface CacheManagerLike {
  getStats(): {
    memory: TierCounters & { evictions?: number };
    storage?: TierCounters;
    loads?: number;
    loadErrors?: number;
    staleHits?: number;
  };
}

/** A storage with a memory tier (`withMemoryCache` of `@stowage/cache`): read through `memoryStats()`. */
export interface MemoryCachedLike {
  memoryStats(): TierCounters & { evictions?: number };
}

/** A bare LRU (`createLruCache` of `@stowage/cache`): read through `stats()`. */
export interface LruLike {
  stats(): TierCounters & { evictions?: number };
}

/**
 * Anything `attachCache` accepts. None of the caches emits events, so analytics polls these
 * cumulative counters on a timer and adds the deltas (a counter that goes down means the cache was
 * recreated: its new value is taken as the delta).
 */
export type CacheSource = CacheManagerLike | MemoryCachedLike | LruLike;

/**
 * The events `attachSync` understands (switch on `type`). A sync engine only has to emit these
 * shapes; every other `type` is counted under `sync.other[type]` and otherwise ignored.
 * - `pushed`: one push round committed `count` local changes (else `keys.length`, else 1), in `durationMs`.
 * - `pulled`: one pull round applied `count` remote documents (else `keys.length`, else 1), in `durationMs`.
 * - `conflict`: a pushed change met a newer remote revision.
 * Key names in sync events are never recorded.
 * - `error`: a sync step failed; `error` is a `StowageError` (or anything, mapped like core maps errors).
 */
export type SyncAnalyticsEvent =
  | { type: 'pushed'; count?: number; keys?: readonly string[]; durationMs?: number }
  | { type: 'pulled'; count?: number; keys?: readonly string[]; durationMs?: number }
  | { type: 'conflict' }
  | { type: 'error'; error: unknown };

/** Anything with `subscribe(listener)` emitting discriminated events — the sync engine, the op queue. */
export interface SyncEventSource {
  subscribe(listener: (event: { readonly type: string }) => void): () => void;
}
