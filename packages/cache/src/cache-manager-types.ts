import type { HitRateOptions } from './hit-rate-window.js';
import type { Clock, Storage, StowageError } from '@stowage/core';

/** Produces the value of a key on a cache miss (a fetch, a computation). `undefined` = nothing to cache. */
export type Loader<T> = (key: string) => T | Promise<T>;

/** Options of `CacheManager.get`. */
export interface CacheGetOptions<T> {
  /** Called on a miss; concurrent misses of one key share one call. @default undefined (a miss reads as `undefined`) */
  loader?: Loader<T>;
  /** How long (ms) a value loaded by this call stays fresh; `null` = always fresh. @default CacheManagerOptions.defaultTtl */
  ttl?: number | null;
  /** Skip both tiers and call the loader (which is then required). @default false */
  refresh?: boolean;
  /**
   * How long (ms) past its TTL a value may still be returned at once while the loader refreshes it in
   * the background (`true` = any age). Needs `loader`. A value this call loads is kept that much longer.
   * @default false
   */
  staleWhileRevalidate?: number | boolean;
}

/** Options of `CacheManager.set`. */
export interface CacheSetOptions {
  /** Freshness in ms; `null` = always fresh. @default CacheManagerOptions.defaultTtl */
  ttl?: number | null;
  /** Keep the value this long (ms) past its TTL so a stale-while-revalidate read can still serve it (`true` = forever). @default false */
  staleWhileRevalidate?: number | boolean;
}

/** Limits of the memory tier (an LRU). */
export interface MemoryTierOptions {
  /** @default 1000 */
  maxEntries?: number;
  /** Byte budget measured by `sizeOf`. @default Infinity */
  maxBytes?: number;
  /** Size of a cached value in bytes; required with `maxBytes`. */
  sizeOf?: (value: unknown, key: string) => number;
}

/** Options of `createCacheManager`. */
export interface CacheManagerOptions {
  /**
   * The persistent tier: a dedicated storage (`createStorage({ prefix: 'cache', driver })`) or the
   * app's own — either way the manager only ever reads and writes keys under `namespace`.
   */
  storage: Storage;
  /** Key prefix of cache entries inside `storage` (`${namespace}:${key}`); `clear()` removes exactly those. @default 'cache' */
  namespace?: string;
  /** The memory tier's limits. @default { maxEntries: 1000 } */
  memory?: MemoryTierOptions;
  /** Freshness in ms of values whose `get`/`set` gives no `ttl`. @default undefined (always fresh) */
  defaultTtl?: number;
  /** Hand out copies, so a caller mutating a result cannot change what the cache (or other callers) holds. @default true */
  clone?: boolean;
  /** @default systemClock */
  clock?: Clock;
  /**
   * Failures no caller can receive: a background refresh that failed, a cache write that failed
   * after its value was already returned, an unreadable entry treated as a miss.
   * @default reportError (console / global `error` event)
   */
  onError?: (error: StowageError) => void;
  /**
   * Warns when the hit rate over the last `window` gets falls below `threshold`, and again when it
   * recovers (see {@link HitRateOptions}). @default none
   */
  hitRate?: HitRateOptions;
}

/** Where `get` found a value. */
export type CacheSource = 'memory' | 'storage' | 'loader' | 'none';

/** Hits and misses of one tier. */
export interface TierStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before any lookup. */
  hitRate: number;
}

/** Counters of a cache manager. `get` calls with `refresh: true` only count as `loads`. */
export interface CacheStats {
  /** The memory tier, with its LRU's size, bytes and evictions. */
  memory: TierStats & { size: number; bytes: number; evictions: number };
  /** The storage tier (asked only on memory misses). */
  storage: TierStats;
  /** `get` calls. */
  gets: number;
  /** Gets answered by either tier. */
  hits: number;
  /** Gets that reached the loader or found nothing. */
  misses: number;
  /** hits / gets, 0 before any get. */
  hitRate: number;
  /** Hits that returned a stale value while a background refresh ran. */
  staleHits: number;
  /** Loader calls. */
  loads: number;
  /** Loader calls that threw or rejected. */
  loadErrors: number;
  /** Gets that joined a load already in flight instead of calling the loader again. */
  dedupedLoads: number;
  /** With the `hitRate` option: the rate over the window's gets so far, how many, and whether it is below the threshold. */
  recent?: { hitRate: number; gets: number; low: boolean };
}

/** The outcome of warming one key. */
export type WarmupResult =
  | { key: string; ok: true; source: CacheSource }
  | { key: string; ok: false; error: StowageError };

/** Options of `CacheManager.warmup`. */
export interface WarmupOptions {
  /** Keys loaded at the same time. @default 4 */
  concurrency?: number;
  /** Freshness of loaded values. @default CacheManagerOptions.defaultTtl */
  ttl?: number | null;
}

/** A two-tier read-through cache: memory (LRU) → storage namespace → loader. Every method rejects with a `StowageError`. */
export interface CacheManager {
  /** The key prefix of cache entries inside the storage. */
  readonly namespace: string;
  /** The cached value, or the loader's (then cached in both tiers); `undefined` on a miss without a loader. */
  get<T>(key: string, options: CacheGetOptions<T> & { loader: Loader<T> }): Promise<T>;
  get<T = unknown>(key: string, options?: CacheGetOptions<T>): Promise<T | undefined>;
  /** Writes both tiers. */
  set(key: string, value: unknown, options?: CacheSetOptions): Promise<void>;
  /** Removes a key from both tiers. */
  delete(key: string): Promise<void>;
  /** Removes every cache entry from both tiers; other keys of the storage are untouched. */
  clear(): Promise<void>;
  /** Loads `keys` into the cache (those already fresh are left alone); one result per key, in order. */
  warmup<T>(keys: readonly string[], loader: Loader<T>, options?: WarmupOptions): Promise<WarmupResult[]>;
  getStats(): CacheStats;
  /** Stops listening to the storage and drops the memory tier; the storage itself stays open (it is not the manager's). */
  close(): Promise<void>;
}
