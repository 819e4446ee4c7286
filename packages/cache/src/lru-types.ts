import type { Clock } from '@stowage/core';

/** Why an entry left the cache: pushed out by a limit, past its TTL, or removed by `delete`/`clear`. */
export type EvictionReason = 'capacity' | 'expired' | 'deleted';

/** Called after an entry has left the cache (the cache is already consistent; it may be used again). */
export type EvictListener<K, V> = (key: K, value: V, reason: EvictionReason) => void;

/** Options of `createLruCache`. */
export interface LruCacheOptions<K, V> {
  /** Most entries kept; `Infinity` only together with `maxBytes`. @default 1000 */
  maxEntries?: number;
  /** Byte budget: the sum of `sizeOf` over all entries never exceeds it. Needs `sizeOf`. @default Infinity */
  maxBytes?: number;
  /** Size of one entry in bytes (any non-negative finite number). Required with `maxBytes`. @default undefined */
  sizeOf?: (value: V, key: K) => number;
  /** Time to live in ms of entries whose `set` gives none. @default undefined (entries never expire) */
  ttl?: number;
  /** Told about every entry that leaves, with the reason. Exceptions it throws are reported, never rethrown into the cache. */
  onEvict?: EvictListener<K, V>;
  /** Time source for TTLs. @default systemClock */
  clock?: Clock;
}

/** Options of `LruCache.set`. */
export interface LruSetOptions {
  /** Time to live in ms for this entry; `null` = never expires, even with a default `ttl`. @default LruCacheOptions.ttl */
  ttl?: number | null;
}

/** Counters of an {@link LruCache}. */
export interface LruStats {
  /** Live entries (expired ones not yet seen may be included until touched or `prune()`d). */
  size: number;
  /** Sum of `sizeOf` over the entries (0 without `sizeOf`). */
  bytes: number;
  /** `get` calls that found a live entry. */
  hits: number;
  /** `get` calls that found nothing or an expired entry. */
  misses: number;
  /** Entries removed by a limit (`capacity`) or by their TTL (`expired`); `delete`/`clear` are not evictions. */
  evictions: number;
}

/**
 * A least-recently-used cache with per-entry TTL and count and byte limits. `get`, `set`, `has`,
 * `delete` and `peek` are O(1); only `clear`, `prune` and `keys` walk the entries.
 */
export interface LruCache<K, V> {
  /** The count limit. */
  readonly maxEntries: number;
  /** The byte limit. */
  readonly maxBytes: number;
  /** Entries held, including expired ones not yet noticed. */
  readonly size: number;
  /** The value, marking it most recently used; `undefined` when absent or expired (an expired entry is evicted). */
  get(key: K): V | undefined;
  /** The value without touching recency or hit counters; an expired entry is evicted and reads as absent. */
  peek(key: K): V | undefined;
  /** Whether a live entry exists; does not touch recency or counters. */
  has(key: K): boolean;
  /**
   * Stores a value (most recently used), evicting least recently used entries past the limits.
   * Throws `invalid-argument` for an `undefined` value or a bad option/size, and `too-large` when the
   * entry alone exceeds `maxBytes`; on a throw the cache is unchanged.
   */
  set(key: K, value: V, options?: LruSetOptions): this;
  /** Removes an entry (`onEvict` reason `deleted`); whether it existed and was live. */
  delete(key: K): boolean;
  /** Removes every entry (`onEvict` reason `deleted` for each). */
  clear(): void;
  /** Evicts every expired entry now (O(n)) and returns how many; otherwise expired entries go when touched or pushed out. */
  prune(): number;
  /** Live keys, most recently used first (O(n)). */
  keys(): K[];
  /** Current counters. */
  stats(): LruStats;
}
