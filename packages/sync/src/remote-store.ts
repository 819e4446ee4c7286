import type { StowageError } from '@stowage/core';

/**
 * A hybrid logical clock timestamp, as a string that sorts lexicographically in causal order:
 * `${wallMillis padded to 15 digits}-${counter as 6 hex digits}-${nodeId}`. Produced by the sync
 * engine; remotes store and compare it as an opaque string.
 */
export type Hlc = string;

/**
 * Where an incremental pull resumes: opaque to the engine, produced by the remote, JSON-safe (it
 * is persisted). For Firestore it encodes `(serverTime, documentId)` of the last document seen.
 */
export type Checkpoint = string;

/** The payload of a synced key: a JSON value, or ciphertext for encrypted keys (never plaintext). */
export interface RemotePayload {
  /** The JSON value (absent for tombstones and encrypted keys). */
  value?: unknown;
  /** Encoded bytes (ciphertext) of an encrypted key, exactly as stored locally. */
  data?: Uint8Array;
  /** Codec ids that produced `data` (decode runs them backwards). */
  codecs?: string[];
  /** Local expiry (epoch ms) travels with the value. */
  expiresAt?: number;
  /**
   * The app schema version of the value (`createStorage({ schemaVersion })` of the writer), so a
   * reader on a newer version migrates it and one on an older version keeps its version. Absent in
   * documents written before it was recorded: read as the reader's current version.
   */
  schema?: number;
  /**
   * Set when this state is revision `reencodes`'s value under a new encoding (a key rotation on the
   * writing device): no edit, so a local change derived from that revision is kept over it,
   * whatever the conflict strategy.
   */
  reencodes?: Hlc;
}

/** A key's state as the remote holds it. */
export interface RemoteDoc extends RemotePayload {
  key: string;
  /** A tombstone: the key was deleted at `hlc`. */
  deleted: boolean;
  /** HLC of the write that produced this state; doubles as the document's revision. */
  hlc: Hlc;
  /** Client id that wrote it. */
  origin: string;
}

/** One key/value change to push (the coalesced outbox entry of a key). */
export interface RemoteChange extends RemotePayload {
  key: string;
  deleted: boolean;
  /** HLC of this change; becomes the remote revision once applied. */
  hlc: Hlc;
  origin: string;
  /**
   * The remote revision (HLC) this change was derived from; `null` = the client believes the key
   * does not exist remotely. Compare-and-set: if the remote revision differs, the change is not
   * applied and the outcome is `conflict` with the remote state.
   */
  base: Hlc | null;
}

/** The result of pushing one change (aligned with the input array). */
export type PushOutcome =
  /** Written (or already written by an earlier attempt whose acknowledgement was lost). */
  | { status: 'applied'; key: string; hlc: Hlc }
  /** Not written: the remote revision is not `base`. The engine resolves and pushes again. */
  | { status: 'conflict'; key: string; remote: RemoteDoc | undefined }
  /** Not written, permanently (e.g. permission-denied, too large): goes to the dead-letter list. */
  | { status: 'rejected'; key: string; error: StowageError };

/** A page of remote changes in (serverTime, key) order. */
export interface PullResult {
  docs: RemoteDoc[];
  /** Resume point after the last doc; unchanged input when `docs` is empty. */
  checkpoint: Checkpoint | undefined;
}

/** An operation on a cloud collection, for the offline operation queue. */
export interface CollectionOp {
  /** Unique operation id: the remote applies an id at most once, however often it is retried. */
  id: string;
  type: 'create' | 'update' | 'delete' | 'set' | 'increment';
  /** Collection path, e.g. `'todos'` or `'users/u1/todos'`. */
  collection: string;
  /** Document id. */
  doc: string;
  /**
   * Fields: for `create`/`set` the document; for `update` the fields to merge; for `increment`
   * `{ field: delta }` numbers. Absent for `delete`.
   */
  data?: Record<string, unknown>;
}

/** The result of one collection operation (aligned with the input array). */
export type ApplyOutcome =
  | { status: 'applied'; id: string }
  /** Applied by an earlier attempt (its acknowledgement was lost): not applied again. */
  | { status: 'duplicate'; id: string }
  /**
   * Permanently refused: `conflict` (details.reason `'already-exists'`) for create on an existing
   * document, `not-found` for update of a missing one, `permission-denied`, `invalid-argument`,
   * `too-large`. The decision is recorded like an application: a retry of the same id reports the
   * same rejection even if the document changed since (otherwise a retry after a lost
   * acknowledgement could apply an operation the first attempt refused).
   */
  | { status: 'rejected'; id: string; error: StowageError };

/**
 * A cloud backend for sync and the offline operation queue. Implemented by `@stowage/firestore`
 * (over `firebase/firestore/lite`) and by `memoryRemote()` for unit tests; one conformance suite
 * (`@stowage/test-utils`) runs against both.
 *
 * Transport failures (offline, 5xx, timeouts, a lost acknowledgement) reject the whole call with a
 * retryable `StowageError` (`unavailable`/`aborted`); per-item permanent failures are outcomes.
 * Calls honour `signal`: an aborted signal rejects with `aborted` promptly (the request may still
 * land remotely — idempotency makes the retry safe).
 */
export interface RemoteStore {
  /**
   * Applies changes with compare-and-set; idempotent for a change already applied (same hlc +
   * origin). Input rules (`checkRemoteChange`): bad changes are `rejected` one by one.
   */
  push(changes: readonly RemoteChange[], signal?: AbortSignal): Promise<PushOutcome[]>;
  /**
   * The remote state of one key, as `pull` would return it (a tombstone included, `undefined` when
   * the remote never held the key or its tombstone was purged). Optional, so remotes written before
   * it still fit; both shipped remotes have it. Bad key → `invalid-argument`.
   */
  get?(key: string, signal?: AbortSignal): Promise<RemoteDoc | undefined>;
  /** Changes after `checkpoint` (from the beginning when `undefined`), at most `limit`, tombstones included. */
  pull(checkpoint: Checkpoint | undefined, limit: number, signal?: AbortSignal): Promise<PullResult>;
  /**
   * Applies collection operations in order, each at most once by `id`; one call is atomic where the
   * backend allows (Firestore: one transaction per 160 operations). Input rules: `checkCollectionOp`.
   */
  apply(ops: readonly CollectionOp[], signal?: AbortSignal): Promise<ApplyOutcome[]>;
  /** Deletes tombstones whose write is older than `before` (epoch ms); resolves to how many. */
  purgeTombstones?(before: number, signal?: AbortSignal): Promise<number>;
  /**
   * Deletes the markers `apply` keeps per operation id that are older than `before` (epoch ms,
   * server time); resolves to how many. An id whose marker is gone is a new operation again, so
   * `before` must lie before any retry still possible — a client retries an applied operation only
   * when its acknowledgement was lost, so a retention of weeks is ample.
   */
  purgeOperations?(before: number, signal?: AbortSignal): Promise<number>;
}
