export { createLruCache } from './lru-cache.js';
export type { EvictionReason, EvictListener, LruCache, LruCacheOptions, LruSetOptions, LruStats } from './lru-types.js';
export { createCacheManager } from './cache-manager.js';
export type {
  CacheGetOptions, CacheManager, CacheManagerOptions, CacheSetOptions, CacheSource, CacheStats, Loader, MemoryTierOptions, TierStats, WarmupOptions,
  WarmupResult,
} from './cache-manager-types.js';
export { withMemoryCache } from './with-memory-cache.js';
export type { MemoryCachedStorage, MemoryCacheOptions } from './with-memory-cache.js';
export type { HitRateEvent, HitRateOptions } from './hit-rate-window.js';
