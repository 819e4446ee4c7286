import { remoteCloudTier, type RemoteCloudTier, type RemoteCloudTierOptions } from '@stowage/sync';
import { createFirestoreRemote, type FirestoreRemote, type FirestoreRemoteOptions } from './create-firestore-remote.js';

/** Options of {@link createFirestoreCloudTier}: those of the remote, plus the tier's own. */
export type FirestoreCloudTierOptions = FirestoreRemoteOptions & RemoteCloudTierOptions;

/** The Firestore cloud tier; `close()` releases its app. */
export interface FirestoreCloudTier extends RemoteCloudTier {
  readonly remote: FirestoreRemote;
  close(): Promise<void>;
}

/**
 * The cloud tier over Firestore — the loader of a `createCacheManager` read-through (memory →
 * IndexedDB → Firestore): one document per key in `collectionPath`, in the layout sync uses (see
 * README), so `get` reads what a synced namespace pushed and a sync engine pulls what `set` wrote.
 * This replaces the seed's hand-written `fetchFromCloud` / `syncToCloud` (a query on a `key`
 * field, then an update or an add).
 *
 * @example
 * ```ts
 * const cloud = createFirestoreCloudTier({ firebaseOptions, collectionPath: `users/${uid}/kv` });
 * const cache = createCacheManager({ storage, defaultTtl: 300_000 });   // @stowage/cache
 * await cache.get('profile', { loader: cloud.get });                     // memory → IndexedDB → Firestore
 * await cloud.set('profile', p);                                        // the cloud document
 * ```
 */
export function createFirestoreCloudTier(options: FirestoreCloudTierOptions): FirestoreCloudTier {
  const { origin, clock, attempts, ...remoteOptions } = options;
  const remote = createFirestoreRemote(remoteOptions);
  const tier = remoteCloudTier(remote, { ...(origin !== undefined ? { origin } : {}), ...(clock ? { clock } : {}), ...(attempts !== undefined ? { attempts } : {}) });
  return { ...tier, remote, close: () => remote.close() };
}
