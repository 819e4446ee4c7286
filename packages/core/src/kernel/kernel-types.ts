import type { Driver } from '../driver.js';
import type { StorageListener } from '../events.js';
import type { Clock } from '../ports.js';
import type { Storable } from '../json-value.js';
import type { SchemaScanEntry, SetEntry, SetManyInput, StorageInput, StorageKey, StorageOp, StoredValueOf, TypedKey, UntypedKey, UntypedSchema, UntypedValue } from '../schema.js';
import type { ScanEntry, SetOptions } from '../storage-types.js';
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
 *
 * `S` is the schema: key → value type (`createStorage<{ user: User }>()`). Without one
 * ({@link UntypedSchema}) any key is accepted, `get` returns `unknown` and `get<T>(key)` casts,
 * unchecked. A typed storage is usable wherever an untyped `Storage` is expected.
 *
 * Each method has a typed signature (keys of `S`) and an untyped one (`get<T>`); the one that does
 * not apply takes `never` as its key, so a call can only match the other.
 */
export interface Storage<S extends object = UntypedSchema> {
  /**
   * Type-only (never set at run time): the schema. Declared first, it is what TypeScript compares
   * first, and a mapped type there makes it compare two storages member by member instead of by
   * their type arguments — which is what lets a `Storage<User-interface schema>` pass where a
   * `Storage` is expected (an interface is not assignable to `Record<string, unknown>`).
   */
  readonly '~schema'?: { readonly [K in keyof S]-?: S[K] };
  readonly prefix: string;
  /** Opens the driver (falling back to memory if allowed). Other methods do this on demand. */
  ready(): Promise<void>;
  /** Writes `value` under a key of the schema; `value` must have the key's type. */
  set<K extends TypedKey<S>>(key: K, value: StorageInput<S, K>, options?: SetOptions): Promise<void>;
  /** Writes `value` (untyped storage): any key; types the serializer refuses (`Map`, functions, …) do not compile. */
  set<V>(key: UntypedKey<S>, value: V & Storable<V>, options?: SetOptions): Promise<void>;
  /** The value of a key of the schema (`Date`s read back as ISO strings), `undefined` when absent or expired. */
  get<K extends TypedKey<S>>(key: K): Promise<StoredValueOf<S, K> | undefined>;
  /** The value of a key of the schema, or `defaultValue` when absent or expired. */
  get<K extends TypedKey<S>>(key: K, defaultValue: StoredValueOf<S, K>): Promise<StoredValueOf<S, K>>;
  /** The value (untyped storage), `undefined` when absent or expired; `T` is an unchecked cast. */
  get<T = unknown>(key: UntypedKey<S>): Promise<T | undefined>;
  /** The value (untyped storage), or `defaultValue`; `T` is an unchecked cast. */
  get<T>(key: UntypedKey<S>, defaultValue: T): Promise<T>;
  /** Values aligned with `keys` (a tuple of their types); absent or expired → `undefined`. One read transaction. */
  getMany<const K extends readonly TypedKey<S>[]>(keys: K): Promise<{ -readonly [I in keyof K]: StoredValueOf<S, K[I]> | undefined }>;
  /** Values aligned with `keys` (untyped storage); absent or expired → `undefined`. One read transaction. */
  getMany<T = unknown>(keys: readonly UntypedKey<S>[]): Promise<(T | undefined)[]>;
  /** Writes all entries in one atomic transaction. */
  setMany(entries: SetManyInput<S> | Iterable<SetEntry<S>>, options?: SetOptions): Promise<void>;
  remove(key: StorageKey<S>): Promise<void>;
  has(key: StorageKey<S>): Promise<boolean>;
  /** Live keys of this namespace, sorted. */
  keys(): Promise<StorageKey<S>[]>;
  /** Every live entry with its value and metadata, sorted by key, from one read of the namespace (typed: a union over the keys). */
  scan(): Promise<SchemaScanEntry<S>[]>;
  /** Every live entry (untyped storage), values cast to `T`, unchecked. */
  scan<T extends UntypedValue<S>>(): Promise<ScanEntry<T>[]>;
  /** Applies all ops in one atomic transaction: all or nothing. */
  batch(ops: readonly StorageOp<S>[]): Promise<void>;
  /** Deletes every key of this namespace (never another prefix's). */
  clear(): Promise<void>;
  subscribe(listener: StorageListener): () => void;
  /** Waits for pending writes, stops the layers, closes the driver. */
  close(): Promise<void>;
}
