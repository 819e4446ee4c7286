import { StowageError, toStowageError } from '@stowage/core';
import type { FirestoreRemote, FirestoreRemoteOptions } from '@stowage/firestore';
import { isValidCollectionPath, type RemoteStore } from '@stowage/sync';

/** A {@link RemoteStore} that loads `@stowage/firestore` (and so firebase) on first use. */
export interface LazyFirestoreRemote extends Required<RemoteStore> {
  /** Loads firebase and creates the remote; rejects with the remote's `StowageError` for bad options. */
  load(): Promise<FirestoreRemote>;
  /** Deletes the firebase app the remote created (nothing if it was never loaded). */
  close(): Promise<void>;
}

/**
 * Wraps `createFirestoreRemote(options)` behind a dynamic import: apps that never configure the
 * cloud never download firebase, and those that do fetch it in parallel with opening IndexedDB.
 * The collection path is checked at once so an obvious mistake throws at `createStowage`.
 */
export function lazyFirestoreRemote(options: FirestoreRemoteOptions): LazyFirestoreRemote {
  if (!isValidCollectionPath(options.collectionPath)) {
    throw new StowageError('invalid-argument', 'cloud.collectionPath must be a collection path (odd number of valid ids)', {
      details: { collectionPath: options.collectionPath },
    });
  }
  let loading: Promise<FirestoreRemote> | undefined;
  const load = (): Promise<FirestoreRemote> => {
    loading ??= import('@stowage/firestore').then(
      (m) => m.createFirestoreRemote(options),
      (e: unknown) => {
        loading = undefined; // a failed chunk download (offline) may succeed later
        throw toStowageError(e, 'loading @stowage/firestore');
      },
    );
    return loading;
  };
  return {
    load,
    push: async (changes, signal) => (await load()).push(changes, signal),
    get: async (key, signal) => (await load()).get(key, signal),
    pull: async (checkpoint, limit, signal) => (await load()).pull(checkpoint, limit, signal),
    apply: async (ops, signal) => (await load()).apply(ops, signal),
    purgeTombstones: async (before, signal) => (await load()).purgeTombstones(before, signal),
    purgeOperations: async (before, signal) => (await load()).purgeOperations(before, signal),
    async close() {
      if (loading) await (await loading.catch(() => undefined))?.close();
    },
  };
}
