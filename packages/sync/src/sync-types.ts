import type { BroadcastFactory, Clock, LockPort, Storage, StowageError } from '@stowage/core';
import type { DeadLetter } from '@stowage/queue';
import type { NetworkMonitor } from './network-monitor.js';
import type { SyncCounts } from './persisted-status.js';
import type { Hlc, RemoteStore } from './remote-store.js';

/** A key's state as a conflict resolver sees it (`value` absent for deletions and encrypted keys). */
export interface ConflictSide {
  deleted: boolean;
  value?: unknown;
  hlc: Hlc;
}

/** A merge function: returns the value both sides should converge to (`undefined` = delete). */
export type MergeFn = (key: string, local: ConflictSide, remote: ConflictSide) => unknown;

/** How concurrent changes of one key are decided. @default 'last-write-wins' (by hybrid logical clock) */
export type ConflictStrategy = 'last-write-wins' | 'remote-wins' | 'local-wins' | MergeFn;

/** The outbox entry of a changed key (coalesced per key). */
export interface OutboxEntry {
  key: string;
  /** HLC of the local change (of a re-encoding: the revision it was made at, for information). */
  hlc: Hlc;
  deleted: boolean;
  /**
   * Set on a re-encoding (`storage.reencode()`, e.g. after a key rotation): not a change of value
   * but new ciphertext for the cloud copy. It is pushed on top of the key's revision at push time,
   * flagged `reencodes` (so another device keeps an edit made from that revision), only while the
   * local record is still the one re-encoded (`updatedAt`, no later edit queued), and it never wins
   * a conflict.
   */
  reencoded?: { updatedAt: number };
}

/** Options of `createSync`. */
export interface SyncOptions {
  /**
   * The namespace to sync; its driver also holds the outbox, in the same transactions as the data.
   * Destructive operations on it are synced: `clear()` deletes the cloud copy of every key, and so
   * every other device's (see the `deletes-queued` event).
   */
  storage: Storage;
  remote: RemoteStore;
  /** @default 'last-write-wins' */
  conflict?: ConflictStrategy;
  /** Incremental pull every this many ms while online; 0 disables the timer. @default 30000 */
  pullInterval?: number;
  /** Documents per pull page. @default 500 */
  pullLimit?: number;
  /** Keys per push. @default 100 */
  batchSize?: number;
  /** Per-request timeout (ms) — a hung server never hangs the engine. @default 20000 */
  requestTimeout?: number;
  /** @default createNetworkMonitor() */
  network?: NetworkMonitor;
  /** @default systemClock */
  clock?: Clock;
  /** @default defaultLocks() */
  locks?: LockPort;
  /** @default broadcastChannel */
  broadcast?: BroadcastFactory;
  /** Retry timing of the outbox. @default { baseMs: 1000, factor: 1.5, maxMs: 60000, jitter: 0.5 } */
  backoff?: { baseMs?: number; factor?: number; maxMs?: number; jitter?: number };
  /** Random source in [0, 1) (jitter, node ids). @default Math.random */
  random?: () => number;
}

/** `status()` of a sync. */
export interface SyncStatus {
  /** The platform says the device is online (`navigator.onLine`); says nothing about the remote. */
  online: boolean;
  /**
   * The remote answered this engine's last request: false after a transport failure (nothing
   * listening, a timeout, a 5xx — see `lastError`) until a request succeeds. Starts true.
   */
  reachable: boolean;
  /** Keys waiting to be pushed (all tabs). */
  pending: number;
  syncing: boolean;
  /**
   * Epoch ms of the last successful push or pull (or download) by any context of this device; kept
   * with the pull checkpoint, so a reload shows it. `undefined` before the first.
   */
  lastSyncAt: number | undefined;
  /**
   * The last failure of a remote call, cleared by this engine's next successful push or pull (and,
   * for a push error, once the outbox is empty — another tab may have delivered it). Kept across a
   * reload: an error from an earlier session comes back with its code and message, `details` `{
   * operation, at, restored: true }`, until a success clears it.
   */
  lastError: StowageError | undefined;
  /** Totals on this device, across reloads and contexts: keys pushed and pulled, conflicts decided. */
  counts: SyncCounts;
}

/** Progress of a full sync. */
export interface SyncProgress {
  phase: 'pull' | 'push';
  done: number;
  total: number;
}

/** Sync events (switch on `type`). */
export type SyncEvent =
  /**
   * Local deletes of synced keys committed — `remove`, a batch's removes, or `clear()` (every key of
   * the namespace): their tombstones are in the outbox, so the next push deletes these keys' cloud
   * copies and other devices delete them at their next pull. Not emitted for deletions pulled from
   * the cloud, nor for expiry.
   */
  | { type: 'deletes-queued'; keys: string[] }
  | { type: 'pushed'; keys: string[] }
  | { type: 'pulled'; keys: string[] }
  | { type: 'conflict'; key: string; winner: 'local' | 'remote' | 'merged'; local: ConflictSide; remote: ConflictSide | undefined }
  | { type: 'dead-lettered'; key: string; error: StowageError }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'status'; status: Omit<SyncStatus, 'pending'> }
  | { type: 'error'; operation: string; error: StowageError };

/** A running sync of one namespace. */
export interface Sync {
  /** Loads persisted state, joins the storage's transactions, starts timers. */
  ready(): Promise<void>;
  /** Pushes the outbox now (one tab at a time). */
  flush(): Promise<void>;
  /** Pulls remote changes since the checkpoint; resolves to how many keys changed locally. */
  pull(): Promise<number>;
  /**
   * Brings one key's cloud state here now (the seed's `downloadData`): reads its document
   * (`remote.get`) and applies it as a pull would — a pending local edit meets it through the
   * conflict strategy, a tombstone deletes the local copy, and a copy lost locally is restored.
   * The pull checkpoint does not move. Resolves to whether the local copy changed; `invalid-argument`
   * when the remote has no `get`.
   */
  download(key: string): Promise<boolean>;
  /** Reconciles everything both ways, reporting progress. */
  fullSync(onProgress?: (p: SyncProgress) => void): Promise<{ pulled: number; pushed: number }>;
  status(): Promise<SyncStatus>;
  subscribe(listener: (event: SyncEvent) => void): () => void;
  deadLetters(): Promise<DeadLetter<OutboxEntry>[]>;
  retryDead(ids?: readonly string[]): Promise<number>;
  dropDead(ids?: readonly string[]): Promise<number>;
  /** Deletes remote tombstones older than `retentionMs`. @default 30 days */
  collectGarbage(retentionMs?: number): Promise<number>;
  close(): Promise<void>;
}
