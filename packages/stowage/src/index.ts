/**
 * `stowage`: the whole toolkit behind one import. `createStowage(options)` wires everything; the
 * building blocks are re-exported for apps that outgrow the defaults.
 */
export { createStowage } from './create-stowage.js';
export type { CloudCommonOptions, CloudOptions, Stowage, StowageOptions } from './stowage-types.js';
export { lazyFirestoreRemote, type LazyFirestoreRemote } from './lazy-firestore-remote.js';
export * from '@stowage/core';
export { indexedDbDriver } from '@stowage/drivers/indexeddb';
export { aesGcmCodec, resumeRotation, rotateKey } from '@stowage/codecs/aes-gcm';
export { deflateCodec } from '@stowage/codecs/deflate';
export { createMiniStorage } from '@stowage/mini';
export { createCacheManager, createLruCache, withMemoryCache } from '@stowage/cache';
export { createAnalytics, instrument } from '@stowage/analytics';
// Tree-shaken away unless used: a service worker (where import() is not allowed) needs it statically.
export { createFirestoreRemote } from '@stowage/firestore';
export { checkRemoteHealth, createNetworkMonitor, createOfflineQueue, createSync } from '@stowage/sync';
export { memoryRemote, type MemoryRemote } from '@stowage/sync/memory-remote';
export type { Analytics, AnalyticsOptions, AnalyticsReport, AnalyticsStats, HotDataReport } from '@stowage/analytics';
export type { CacheManager, CacheManagerOptions, HitRateEvent, HitRateOptions, LruCache, LruCacheOptions, MemoryCachedStorage, MemoryCacheOptions } from '@stowage/cache';
export type { AesGcmCodec, AesGcmCodecOptions, RotateKeyOptions, RotationResult } from '@stowage/codecs/aes-gcm';
export type { FirestoreRemote, FirestoreRemoteOptions } from '@stowage/firestore';
export type { MiniStorage, MiniStorageOptions } from '@stowage/mini';
export type {
  ConflictStrategy, NetworkMonitor, RemoteHealth, RemoteHealthOptions, OfflineOperation, OfflineQueue, OfflineQueueEvent, OfflineQueueOptions, RemoteStore, Sync, SyncEvent,
  SyncOptions, SyncProgress, SyncStatus,
} from '@stowage/sync';
