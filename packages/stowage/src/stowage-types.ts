import type { Analytics, AnalyticsOptions } from '@stowage/analytics';
import type { MemoryCachedStorage, MemoryCacheOptions } from '@stowage/cache';
import type { Codec, Driver, Storage, StorageOptions } from '@stowage/core';
import type { FirestoreRemoteOptions } from '@stowage/firestore';
import type { MiniStorage } from '@stowage/mini';
import type { NetworkMonitor, OfflineQueue, OfflineQueueOptions, RemoteStore, Sync, SyncOptions } from '@stowage/sync';

/** What every `cloud` option may add: tuning of the sync engine and of the offline operation queue. */
export interface CloudCommonOptions {
  /** Passed to `createSync` (conflict strategy, pull interval, batch size, timeouts, ports). @default {} */
  sync?: Omit<SyncOptions, 'storage' | 'remote' | 'network'>;
  /** Passed to `createOfflineQueue`; `false` = no operation queue. @default {} */
  offlineQueue?: Omit<OfflineQueueOptions, 'remote' | 'storage' | 'driver' | 'network'> | false;
}

/** Cloud backend: any {@link RemoteStore}, or Firestore (loaded on first use, so local-only apps never bundle firebase). */
export type CloudOptions =
  | (CloudCommonOptions & { remote: RemoteStore })
  | (CloudCommonOptions & FirestoreRemoteOptions & { remote?: undefined });

/** Options of `createStowage`. Every option is optional; the defaults give an encrypted-capable, compressed, cached, measured local store. */
export interface StowageOptions {
  /** Namespace of the app's keys (`${prefix}:${key}`). @default 'app' */
  prefix?: string;
  /** Backend, shared by every piece (data, outbox, analytics, mini namespace). @default indexedDbDriver({ dbName: 'stowage' }) */
  driver?: Driver;
  /** `true` = `deflateCodec()`, `false` = never compress, or your codec. @default true */
  compression?: boolean | Codec;
  /** `{ passphrase }` = `aesGcmCodec({ passphrase })`, or your codec; `undefined` = no encryption. @default undefined */
  encryption?: { passphrase: string } | Codec;
  /** Memory tier (LRU) in front of the storage; `false` = none. @default {} (1000 entries) */
  cache?: MemoryCacheOptions | false;
  /** Cloud sync + offline operation queue; `undefined` = local only. @default undefined */
  cloud?: CloudOptions;
  /** Usage analytics; `false` = none. Stats persist in the namespace `${prefix}.analytics` unless `storage` is given. @default {} */
  analytics?: AnalyticsOptions | false;
  /** The mini-program API: `{ prefix }` gives it its own namespace; `false` = none. @default {} (the app's namespace) */
  mini?: { prefix?: string } | false;
  /** Connectivity shared by sync and the operation queue (e.g. with an app-controlled `OnlinePort`). @default createNetworkMonitor() */
  network?: NetworkMonitor;
  /** Any other `createStorage` option (limits, TTL defaults, migrations, ports…). @default {} */
  storage?: Omit<StorageOptions, 'driver' | 'prefix' | 'compression' | 'encryption'>;
}

/** Everything `createStowage` wired, each piece reachable for those who need control. */
export interface Stowage {
  /** The storage an app uses: memory tier + analytics timing over `local`. Writes sync when `cloud` is set. */
  readonly storage: Storage;
  /** The bare storage underneath (no cache, no timing); the sync engine works on it. */
  readonly local: Storage;
  /** The memory tier (`withMemoryCache`), with `memoryStats()` and `memoryKeys()`; `undefined` with `cache: false`. */
  readonly cache: MemoryCachedStorage | undefined;
  /** WeChat-style API (`setStorageSync`…); call `mini.ready()` before the Sync variants. `undefined` with `mini: false`. */
  readonly mini: MiniStorage | undefined;
  /** Key/value sync of `local` with the cloud; `undefined` without `cloud`. */
  readonly sync: Sync | undefined;
  /** Queue of cloud collection operations (create/update/increment…); `undefined` without `cloud` or with `offlineQueue: false`. */
  readonly offlineQueue: OfflineQueue | undefined;
  /** The remote store in use; `undefined` without `cloud`. */
  readonly remote: RemoteStore | undefined;
  /** Connectivity as sync and queue see it. */
  readonly network: NetworkMonitor;
  /** Usage analytics; `undefined` with `analytics: false`. */
  readonly analytics: Analytics | undefined;
  /** Opens the storage and starts sync, queue and analytics; rejects with the first `StowageError`. Idempotent. */
  ready(): Promise<void>;
  /** Flushes analytics and mini writes, stops sync and queue, closes every storage. Idempotent. */
  close(): Promise<void>;
}
