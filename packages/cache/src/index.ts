export { createLruCache } from './lru-cache.js';
export type { EvictionReason, EvictListener, LruCache, LruCacheOptions, LruSetOptions, LruStats } from './lru-types.js';
