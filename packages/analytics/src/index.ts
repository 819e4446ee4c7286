export { createAnalytics } from './analytics.js';
export { instrument } from './instrument.js';
export { createKeyHasher, fnv1a64 } from './key-hasher.js';
export type { KeyHasher } from './key-hasher.js';
export { csvCell } from '@stowage/core';
export type { Analytics, AnalyticsOptions, AttachCacheOptions, PagehideTarget, RecordInput } from './analytics-types.js';
export type {
  CacheManagerLike, CacheSource, LruLike, MemoryCachedLike, SyncAnalyticsEvent, SyncEventSource, TierCounters,
} from './sources.js';
export type {
  AnalyticsReport, AnalyticsStats, CacheCounters, GrowthSample, HotDataReport, HotKey, OperationLogEntry, OperationStats, Outcome,
  SyncCounters,
} from './stats-types.js';
