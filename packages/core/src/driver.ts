/**
 * One step of a {@link Driver.batch}. A `check` writes nothing: it reads `key` as the batch sees
 * it at that point and, unless `test(value)` returns `true`, the batch rejects with `conflict`
 * (`details.reason: 'check-failed'`) — where batches are atomic, having written nothing. That makes
 * read-then-write steps safe against other tabs: "delete this record only if it is still the
 * expired one I saw", "commit this ciphertext only if its key is still current".
 */
export type DriverOp =
  | { readonly type: 'put'; readonly key: string; readonly value: unknown }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'check'; readonly key: string; readonly test: (value: unknown) => boolean };

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
  /**
   * Applies the ops in order; atomic when `capabilities.atomicBatch` (checks included: a failed
   * check or write leaves the store as it was). Resolves once durable.
   */
  batch(ops: readonly DriverOp[]): Promise<void>;
  /** Entries whose key starts with `prefix`, ordered by key (`''` = all). */
  entries(prefix: string, options?: EntriesOptions): Promise<[string, unknown][]>;
  /**
   * Optional: the values of the entries {@link Driver.entries} would return, in the same order,
   * without their keys — one request where a backend reads values and keys separately (IndexedDB
   * `getAll` beside `getAllKeys`). For values that carry their own key (record format v2 rows).
   * Callers fall back to `entries` where it is missing ({@link valuesOf}).
   */
  values?(prefix: string, options?: EntriesOptions): Promise<unknown[]>;
  /** Keys starting with `prefix`, ordered. */
  keys(prefix: string): Promise<string[]>;
  /** Deletes every key starting with `prefix` (`''` = all), atomically where supported. */
  clear(prefix: string): Promise<void>;
  /** Releases the backend; later calls reject with `closed`. */
  close(): Promise<void>;
}

/** {@link Driver.values} of `d`, or its `entries` without the keys where it has none. */
export async function valuesOf(d: Driver, prefix: string, options?: EntriesOptions): Promise<unknown[]> {
  if (d.values) return d.values(prefix, options);
  return (await d.entries(prefix, options)).map(([, v]) => v);
}
