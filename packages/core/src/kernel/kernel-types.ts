import type { Driver } from '../driver.js';
import type { StorageListener } from '../events.js';
import type { Clock } from '../ports.js';
import type { ScanEntry, SetOptions, StorageOp } from '../storage-types.js';
import type { Layer } from './layer.js';

/** Options of {@link createKernel}. */
export interface KernelOptions {
  /** Backend. */
  driver: Driver;
  /** Namespace: keys are stored as `${prefix}:${key}`. @default 'stowage' */
  prefix?: string;
  /** Features, outer first (see the architecture document for the order `createStorage` uses). */
  layers?: readonly Layer[];
  /** Used when `driver` is unavailable (private mode, blocked), e.g. `memoryDriver()`. @default none: reads and writes reject */
  fallback?: Driver;
  /** @default systemClock */
  clock?: Clock;
  /** Longest key in UTF-16 code units. @default 1024 */
  maxKeyLength?: number;
}

/**
 * A namespaced key-value store: what `createKernel` and `createStorage` return. Every method
 * rejects with a `StowageError`. Whole-namespace operations (backup, migrations, info) are
 * functions over a storage (`exportData(storage)`, `storageInfo(storage)`, …), not methods, so a
 * wrapper forwards only these.
 */
export interface Storage {
  readonly prefix: string;
  /** Opens the driver (falling back to memory if allowed). Other methods do this on demand. */
  ready(): Promise<void>;
  set(key: string, value: unknown, options?: SetOptions): Promise<void>;
  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T>(key: string, defaultValue: T): Promise<T>;
  /** Values aligned with `keys`; absent or expired → `undefined`. One read transaction. */
  getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]>;
  /** Writes all entries in one atomic transaction. */
  setMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>, options?: SetOptions): Promise<void>;
  remove(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
  /** Live keys of this namespace, sorted. */
  keys(): Promise<string[]>;
  /** Every live entry with its value and metadata, sorted by key, from one read of the namespace. */
  scan<T = unknown>(): Promise<ScanEntry<T>[]>;
  /** Applies all ops in one atomic transaction: all or nothing. */
  batch(ops: readonly StorageOp[]): Promise<void>;
  /** Deletes every key of this namespace (never another prefix's). */
  clear(): Promise<void>;
  subscribe(listener: StorageListener): () => void;
  /** Waits for pending writes, stops the layers, closes the driver. */
  close(): Promise<void>;
}
