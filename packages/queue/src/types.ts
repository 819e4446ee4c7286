import type { DriverOp, EventSource, StowageError } from '@stowage/core';

/** One operation waiting in the queue, as the handler and `list()` see it. */
export interface QueueEntry<T> {
  /** Unique id; ids sort in enqueue order across tabs and reloads. */
  readonly id: string;
  /** What the app enqueued (a structured-clone value). */
  readonly payload: T;
  /** Ordering scope (e.g. a document path): entries of one scope are handled one at a time, in order. */
  readonly scope?: string;
  /** Coalescing key: a newer pending entry with the same key replaces this one unless it is in flight. */
  readonly coalesceKey?: string;
  /** Epoch ms of the enqueue. */
  readonly enqueuedAt: number;
  /** Failed attempts since the enqueue (or the last `resetBackoff()` / `retryDead()`); the backoff exponent. */
  readonly attempts: number;
  /** Epoch ms before which the entry is not handed to the handler again. */
  readonly nextAttemptAt: number;
  /** Why the last attempt failed. */
  readonly lastError?: StowageError;
}

/** An entry the handler declared permanently failed, kept for the app to inspect, retry or drop. */
export interface DeadLetter<T> {
  /** Dead-letter id (sorts in the order entries died); pass it to `retryDead` / `dropDead`. */
  readonly id: string;
  /** The entry as it was when it died. */
  readonly entry: QueueEntry<T>;
  /** Why it died. */
  readonly error: StowageError;
  /** Epoch ms of its death. */
  readonly deadAt: number;
}

/**
 * The handler's verdict on one entry: `done` removes it; `retry` keeps it with a backoff; `dead`
 * moves it to the dead-letter list. `error` is anything thrown or returned by the remote; it is
 * mapped to a `StowageError` with core's `toStowageError`.
 */
export type QueueOutcome =
  | { readonly status: 'done' }
  | { readonly status: 'retry'; readonly error?: unknown }
  | { readonly status: 'dead'; readonly error: unknown };

/**
 * Delivers a batch: returns one outcome per entry, aligned with `entries`. `signal` aborts when the
 * queue is closed. Throwing is treated as one outcome for the whole batch: `retry` when core's
 * `isRetryable(error)` (any non-Stowage error, e.g. a TypeError, counts as `internal`, which is
 * retryable), else `dead` — see the README. Delivery is at least once: make the handler idempotent.
 */
export type QueueHandler<T> = (entries: readonly QueueEntry<T>[], signal: AbortSignal) => Promise<readonly QueueOutcome[]>;

/** Options of `enqueue` / `prepare`. */
export interface EnqueueOptions {
  /** Ordering scope; entries without one are independent of each other. */
  scope?: string;
  /** Coalescing key (e.g. the changed storage key); never coalesced when absent. */
  coalesceKey?: string;
}

/** What `prepare` returns: driver ops for the caller's own batch, then hand it to `committed`. */
export interface PreparedEntry<T> {
  /** The put of the entry, plus the delete of the older pending entry it coalesces (if any). */
  readonly ops: readonly DriverOp[];
  /** The entry as it will be stored. */
  readonly entry: QueueEntry<T>;
  /** Id of the older pending entry this one replaces. */
  readonly replaces?: string;
}

/** What one `flush()` did. */
export interface FlushReport {
  /** False when nothing ran: another tab holds the flush lock, or the queue is paused or closed. */
  readonly ran: boolean;
  /** Entries handed to the handler. */
  readonly handled: number;
}

/** Why dead letters were removed. */
export type DeadRemovalReason = 'retried' | 'dropped' | 'retention';

/** Queue events (switch on `type`). `source: 'remote'` = reported by another tab on the same store. */
export type QueueEvent<T> =
  | { readonly type: 'enqueued'; readonly source: EventSource; readonly entry: QueueEntry<T>; readonly replaced?: string }
  | { readonly type: 'succeeded'; readonly source: EventSource; readonly entries: readonly QueueEntry<T>[] }
  | { readonly type: 'retry-scheduled'; readonly source: EventSource; readonly entry: QueueEntry<T>; readonly delayMs: number; readonly error?: StowageError }
  | { readonly type: 'superseded'; readonly source: EventSource; readonly entry: QueueEntry<T>; readonly by: string }
  | { readonly type: 'removed'; readonly source: EventSource; readonly entries: readonly QueueEntry<T>[] }
  | { readonly type: 'dead-lettered'; readonly source: EventSource; readonly letter: DeadLetter<T> }
  | { readonly type: 'dead-removed'; readonly source: EventSource; readonly ids: readonly string[]; readonly reason: DeadRemovalReason }
  | { readonly type: 'drained'; readonly source: EventSource }
  | { readonly type: 'error'; readonly operation: string; readonly error: StowageError };

/** A subscriber; its exceptions are isolated from the queue and from other subscribers. */
export type QueueListener<T> = (event: QueueEvent<T>) => void;

/** A durable operation queue (outbox) on a driver. */
export interface Queue<T> {
  /** The queue's name (its key space in the driver). */
  readonly name: string;
  /** Stores an entry in its own driver batch; resolves once durable. */
  enqueue(payload: T, options?: EnqueueOptions): Promise<QueueEntry<T>>;
  /**
   * Builds the driver ops of an entry for the caller's own batch (atomic with its data writes).
   * Also while and after the queue closes: the caller's write is then still recorded, and the
   * next queue on the store delivers it.
   */
  prepare(payload: T, options?: EnqueueOptions): Promise<PreparedEntry<T>>;
  /** Call after the caller's batch with prepared ops committed: emits `enqueued`, schedules a flush. */
  committed(prepared: PreparedEntry<T> | readonly PreparedEntry<T>[]): void;
  /**
   * The driver ops deleting these pending entries, for the caller's own batch — e.g. the data
   * change that made them moot, so no tab, reload or service worker can deliver them after it.
   * Pass the entries to {@link Queue.removed} once that batch committed. Not for entries another
   * tab may have in flight: hold {@link Queue.exclusive}, or be the flusher whose handler has them.
   */
  removeOps(entries: readonly Pick<QueueEntry<T>, 'id'>[]): DriverOp[];
  /** Call after a batch with {@link Queue.removeOps} committed: emits `removed` (here and in other tabs). */
  removed(entries: readonly QueueEntry<T>[]): void;
  /** Deletes pending entries in a batch of their own (`removeOps` + `removed`); same caveat on entries in flight. */
  remove(entries: readonly QueueEntry<T>[]): Promise<void>;
  /** Delivers due entries until drained or only backed-off ones remain; single-flight, one tab at a time. */
  flush(): Promise<FlushReport>;
  /** Makes every pending entry due now with its backoff reset (call on reconnect). */
  resetBackoff(): Promise<void>;
  /** Stops starting new batches (e.g. offline); a batch in flight finishes. */
  pause(): void;
  /** Undoes `pause()` and flushes when `autoFlush`. */
  resume(): void;
  /** Whether `pause()` is in force. */
  readonly paused: boolean;
  /** Number of pending entries (all tabs), read from the driver. */
  size(): Promise<number>;
  /**
   * Id of the newest pending entry with this coalescing key that this tab knows of (committed here,
   * loaded, or announced by another tab; other tabs' may lag). In memory: no driver read.
   */
  latest(coalesceKey: string): string | undefined;
  /**
   * Runs `fn` holding this queue's flush lock: no flush of the queue runs meanwhile, in this tab or
   * another (one sharing the lock port). For work that must not interleave with a drain, e.g. a
   * sync pull, whose checkpoint every tab shares. A flush this tab starts meanwhile waits its turn.
   * Never call it from the queue's own handler: that runs under the lock already, and would wait
   * for itself.
   */
  exclusive<R>(fn: () => Promise<R>): Promise<R>;
  /** Pending entries in id order. */
  list(): Promise<QueueEntry<T>[]>;
  /** Dead letters, oldest death first. */
  deadLetters(): Promise<DeadLetter<T>[]>;
  /** Puts dead letters (all, or these ids) back in the queue with their original ids; resolves to how many. */
  retryDead(ids?: readonly string[]): Promise<number>;
  /** Deletes dead letters (all, or these ids); resolves to how many. */
  dropDead(ids?: readonly string[]): Promise<number>;
  /** Subscribes to events; returns the unsubscribe function. */
  subscribe(listener: QueueListener<T>): () => void;
  /** Aborts the handler's signal, waits for the running flush, stops timers. Idempotent. */
  close(): Promise<void>;
}
