import type { FirebaseOptions } from 'firebase/app';
import { connectFirestoreEmulator, type Firestore } from 'firebase/firestore/lite';
import { StowageError } from '@stowage/core';
import { isValidCollectionPath, type RemoteStore } from '@stowage/sync';
import { applyOps } from './apply.js';
import { getKeyDoc } from './get.js';
import { pullPage } from './pull.js';
import { purgeOperations, purgeTombstones } from './purge.js';
import { pushChanges } from './push.js';
import type { RemoteContext } from './remote-context.js';
import { leaseApp, type AppLease, type FirestoreEmulatorTarget } from './shared-apps.js';

export type { FirestoreEmulatorTarget } from './shared-apps.js';
import { explainTransportError } from './transport-errors.js';

/** Options of {@link createFirestoreRemote}: give `firestore` or `firebaseOptions`, not both. */
export interface FirestoreRemoteOptions {
  /** An existing Lite instance (`getFirestore()` from `firebase/firestore/lite`). */
  firestore?: Firestore;
  /** Firebase config (`projectId` required): the remote creates its own app and Lite instance. */
  firebaseOptions?: FirebaseOptions;
  /**
   * Name of the app created from `firebaseOptions`; rarely needed. Without it, remotes with equal
   * `firebaseOptions` and `emulator` share one app, and other options get their own app under a
   * generated name (never `app/duplicate-app`).
   * @default '[DEFAULT]' when free or holding equal options, else a generated name
   */
  appName?: string;
  /** Connect the Lite instance to an emulator instead of production. @default undefined */
  emulator?: FirestoreEmulatorTarget;
  /** Collection of the key documents, e.g. `'kv'` or `'users/u1/kv'`. */
  collectionPath: string;
  /**
   * Collection of the markers that make `apply` idempotent. The default sits next to
   * `collectionPath`, so an owner rule on `users/{uid}/…` covers it.
   * @default the sibling collection `_stowage_ops` (`'users/u1/kv'` → `'users/u1/_stowage_ops'`)
   */
  opsCollection?: string;
}

/** A {@link RemoteStore} over Firestore Lite. */
export interface FirestoreRemote extends Required<RemoteStore> {
  /** The Lite instance in use (for the app's own reads and writes). */
  readonly firestore: Firestore;
  readonly collectionPath: string;
  readonly opsCollection: string;
  /**
   * Releases the app this remote uses from `firebaseOptions`: the last remote sharing it deletes it
   * (if a remote created it); nothing when given `firestore`. Calling it again does nothing.
   */
  close(): Promise<void>;
}

const invalid = (message: string, details: Record<string, unknown> = {}) => new StowageError('invalid-argument', message, { details });

/**
 * Creates a RemoteStore over `firebase/firestore/lite` (a peer dependency): key/value sync with
 * compare-and-set push and checkpointed pull, and idempotent collection operations for the offline
 * operation queue. See the package README for the document layout and the meaning of outcomes.
 *
 * @example
 * ```ts
 * const remote = createFirestoreRemote({
 *   firebaseOptions: { projectId: 'demo-stowage' },
 *   emulator: { host: '127.0.0.1', port: 8080, mockUserToken: { user_id: 'u1' } },
 *   collectionPath: 'users/u1/kv',
 * });
 * ```
 */
export function createFirestoreRemote(options: FirestoreRemoteOptions): FirestoreRemote {
  if (typeof options !== 'object' || options === null) throw invalid('createFirestoreRemote expects an options object');
  const { collectionPath, emulator } = options;
  if (!isValidCollectionPath(collectionPath)) throw invalid('collectionPath must be a collection path (odd number of valid ids)', { collectionPath });
  const opsCollection = options.opsCollection ?? [...collectionPath.split('/').slice(0, -1), '_stowage_ops'].join('/');
  if (!isValidCollectionPath(opsCollection) || opsCollection === collectionPath) {
    throw invalid('opsCollection must be a collection path other than collectionPath', { opsCollection });
  }
  if (emulator !== undefined) {
    if (typeof emulator !== 'object' || emulator === null || typeof emulator.host !== 'string' || emulator.host === '') throw invalid('emulator.host must be a host name');
    if (!Number.isInteger(emulator.port) || emulator.port < 1 || emulator.port > 65_535) throw invalid('emulator.port must be a TCP port', { port: emulator.port });
  }
  const { db, lease } = openFirestore(options);
  if (emulator) {
    try {
      const extra = emulator.mockUserToken === undefined ? {} : { mockUserToken: emulator.mockUserToken };
      connectFirestoreEmulator(db, emulator.host, emulator.port, extra);
    } catch (err) {
      void lease?.release();
      throw new StowageError('invalid-argument', `cannot connect to the emulator: ${(err as Error).message}`, { cause: err });
    }
  }
  const ctx: RemoteContext = { db, collectionPath, opsCollection };
  // The SDK drops why a request got no answer; the message should say it (see transport-errors.ts).
  const explained = <T>(call: Promise<T>): Promise<T> =>
    call.catch(async (err: unknown) => {
      throw await explainTransportError(err, db);
    });
  return {
    firestore: db,
    collectionPath,
    opsCollection,
    push: (changes, signal) => explained(pushChanges(ctx, changes, signal)),
    get: (key, signal) => explained(getKeyDoc(ctx, key, signal)),
    pull: (checkpoint, limit, signal) => explained(pullPage(ctx, checkpoint, limit, signal)),
    apply: (ops, signal) => explained(applyOps(ctx, ops, signal)),
    purgeTombstones: (before, signal) => explained(purgeTombstones(ctx, before, signal)),
    purgeOperations: (before, signal) => explained(purgeOperations(ctx, before, signal)),
    close: async () => {
      await lease?.release();
    },
  };
}

function openFirestore(options: FirestoreRemoteOptions): { db: Firestore; lease?: AppLease } {
  const { firestore, firebaseOptions, appName } = options;
  if ((firestore === undefined) === (firebaseOptions === undefined)) throw invalid('give exactly one of firestore and firebaseOptions');
  if (firestore !== undefined) {
    if (typeof firestore !== 'object' || firestore === null || (firestore as { type?: unknown }).type !== 'firestore-lite') {
      throw invalid('firestore must be a Firestore Lite instance (getFirestore from firebase/firestore/lite)');
    }
    return { db: firestore };
  }
  if (typeof firebaseOptions !== 'object' || firebaseOptions === null || typeof firebaseOptions.projectId !== 'string' || firebaseOptions.projectId === '') {
    throw invalid('firebaseOptions.projectId is required');
  }
  if (appName !== undefined && (typeof appName !== 'string' || appName === '')) throw invalid('appName must be a non-empty string');
  try {
    const lease = leaseApp(firebaseOptions, options.emulator, appName);
    return { db: lease.db, lease };
  } catch (err) {
    // e.g. app/duplicate-app: an app of that name exists with other options.
    throw new StowageError('invalid-argument', `cannot initialize the Firebase app: ${(err as Error).message}`, { cause: err });
  }
}
