// What reusing lru-cache would have cost: the thinnest wrapper that gives it the parts of our API the
// workload touches (hit/miss counters, eviction reasons, per-entry TTL with `null`, the Clock port).
// Only the benchmark uses it; the measurement decided against shipping it (see README).
import { LRUCache } from 'lru-cache';
import type { Clock } from '@stowage/core';
import type { EvictionReason, LruSetOptions, LruStats } from '../src/index.js';

interface WrapOptions<K, V> {
  maxEntries: number;
  ttl?: number;
  onEvict?: (key: K, value: V, reason: EvictionReason) => void;
  clock?: Clock;
}

const REASONS: Partial<Record<LRUCache.DisposeReason, EvictionReason>> = { evict: 'capacity', expire: 'expired', delete: 'deleted' };

export function wrapLruCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(o: WrapOptions<K, V>) {
  let hits = 0;
  let misses = 0;
  let evictions = 0;
  const onEvict = o.onEvict;
  const cache = new LRUCache<K, V>({
    max: o.maxEntries,
    ...(o.ttl !== undefined ? { ttl: o.ttl } : {}),
    // An injected clock cannot drive lru-cache's real setTimeout that refreshes its cached time.
    ...(o.clock ? { perf: { now: () => (o.clock as Clock).now() }, ttlResolution: 0 } : {}),
    dispose: (value, key, reason) => {
      const r = REASONS[reason];
      if (r === undefined) return; // 'set' (overwrite) is not an eviction in our API
      if (r !== 'deleted') evictions++;
      onEvict?.(key, value, r);
    },
  });
  return {
    get(key: K): V | undefined {
      const v = cache.get(key);
      if (v === undefined) misses++;
      else hits++;
      return v;
    },
    peek: (key: K): V | undefined => cache.peek(key),
    has: (key: K): boolean => cache.has(key),
    set(key: K, value: V, options?: LruSetOptions) {
      if (options?.ttl !== undefined) cache.set(key, value, { ttl: options.ttl ?? 0 });
      else cache.set(key, value);
      return this;
    },
    delete: (key: K): boolean => cache.delete(key),
    clear: (): void => cache.clear(),
    stats: (): LruStats => ({ size: cache.size, bytes: 0, hits, misses, evictions }),
  };
}
