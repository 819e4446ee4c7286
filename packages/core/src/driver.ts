/** One write inside a {@link Driver.batch}. */
export type DriverOp =
  | { readonly type: 'put'; readonly key: string; readonly value: unknown }
  | { readonly type: 'delete'; readonly key: string };

/** What a driver can promise; callers read these instead of guessing from the driver's name. */
export interface DriverCapabilities {
  /** Data survives a page reload. */
  readonly persistent: boolean;
  /** `batch()` applies all ops or none. */
  readonly atomicBatch: boolean;
}

/** Options of {@link Driver.entries}. */
export interface EntriesOptions {
  /** Only keys strictly greater than this one (for paging). */
  after?: string;
  /** At most this many entries. */
  limit?: number;
}

/**
 * A key-value backend. Drivers store opaque structured-clone values under string keys; every
 * feature (envelopes, TTL, codecs, limits, outbox) lives above this interface. Failures are
 * `StowageError`s (DOMExceptions mapped at this boundary).
 */
export interface Driver {
  /** Kind of backend, e.g. `'indexeddb'`, `'memory'`. */
  readonly name: string;
  /** Identifies the physical store (e.g. `'indexeddb:stowage/kv'`); tabs sharing it share events. */
  readonly scope: string;
  readonly capabilities: DriverCapabilities;
  /** Opens the backend. Rejects with `unavailable` when it cannot be used at all. Idempotent. */
  open(): Promise<void>;
  get(key: string): Promise<unknown>;
  /** Values aligned with `keys` (`undefined` for absent keys). */
  getMany(keys: readonly string[]): Promise<unknown[]>;
  /** Applies the ops in order; atomic when `capabilities.atomicBatch`. Resolves once durable. */
  batch(ops: readonly DriverOp[]): Promise<void>;
  /** Entries whose key starts with `prefix`, ordered by key (`''` = all). */
  entries(prefix: string, options?: EntriesOptions): Promise<[string, unknown][]>;
  /** Keys starting with `prefix`, ordered. */
  keys(prefix: string): Promise<string[]>;
  /** Deletes every key starting with `prefix` (`''` = all), atomically where supported. */
  clear(prefix: string): Promise<void>;
  /** Releases the backend; later calls reject with `closed`. */
  close(): Promise<void>;
}
