import type { Clock } from '@stowage/core';
import { createLruCache } from './lru-cache.js';
import type { LruCache } from './lru-types.js';

/** The options both memory tiers accept, as given by the user. */
interface TierOptions {
  maxEntries?: number | undefined;
  maxBytes?: number | undefined;
  sizeOf?: ((value: unknown, key: string) => number) | undefined;
  clock?: Clock | undefined;
}

/**
 * The LRU of a memory tier. `valueOf` maps what the tier stores to the value `sizeOf` measures.
 * Only options the user gave are passed on: in particular no clock unless injected, so the LRU keeps
 * its cheap sampling of the system clock.
 */
export function createMemoryTier<V>(o: TierOptions, valueOf: (stored: V) => unknown): LruCache<string, V> {
  const sizeOf = o.sizeOf;
  return createLruCache<string, V>({
    ...(o.clock !== undefined ? { clock: o.clock } : {}),
    ...(o.maxEntries !== undefined ? { maxEntries: o.maxEntries } : {}),
    ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
    // A non-function is passed as is, so the LRU reports it as invalid-argument.
    ...(sizeOf !== undefined ? { sizeOf: typeof sizeOf === 'function' ? (v: V, k: string) => sizeOf(valueOf(v), k) : sizeOf } : {}),
  });
}
