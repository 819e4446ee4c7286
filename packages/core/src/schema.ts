// What a storage schema is and what it lets you write and read: the types `Storage<S>` is made of.
// Types only (no bytes in any bundle). A schema maps keys to the type of their value:
//   createStorage<{ user: User; theme: 'light' | 'dark'; [todo: `todo:${string}`]: Todo }>()
// An untyped storage (no type argument) is `Storage<UntypedSchema>`: any key, values checked only
// against what the serializer refuses, and `get<T>(key)` as an unchecked cast, as before schemas.
import type { Storable, Stored } from './json-value.js';
import type { ScanEntry, SetOptions } from './storage-types.js';

/** The schema of a storage without one: any string key, any value. */
export type UntypedSchema = Record<string, unknown>;

/**
 * `true` when `S` is untyped: a string index signature to `unknown` (`UntypedSchema`, or
 * `{ [key: string]: unknown }`). `Record<string, Todo>` is typed: every key holds a `Todo`.
 */
export type IsUntyped<S> = string extends keyof S ? (S extends { [key: string]: infer V } ? (unknown extends V ? true : false) : false) : false;

/** Every key of a schema (`string` for an untyped storage): what `keys()` returns, `remove` and `has` take. */
export type StorageKey<S> = keyof S & string;

/** The keys of a typed schema (`never` for an untyped storage, which reads through {@link UntypedKey}). */
export type TypedKey<S> = IsUntyped<S> extends true ? never : StorageKey<S>;

/**
 * The keys `get<T>(key)` casts under: `string` for an untyped storage, `never` for a typed one (its
 * values have declared types; an explicit `get<T>` there is a compile error, not a silent cast).
 */
export type UntypedKey<S> = IsUntyped<S> extends true ? string : never;

/** What `set(key, …)` takes for `key`: the schema's type, without `undefined` (use `remove`). */
export type StorageInput<S, K extends keyof S> = Exclude<S[K], undefined>;

/** What `get(key)` gives back for `key`: the schema's type with `Date`s read as ISO strings ({@link Stored}). */
export type StoredValueOf<S, K> = K extends keyof S ? Stored<Exclude<S[K], undefined>> : never;

/**
 * The constraint on the schema of `createStorage<S>()` / `createKernel<S>()`: every value type must
 * be {@link Storable}, so `createStorage<{ tags: Set<string> }>()` fails to compile at the schema.
 */
export type ValidSchema<S> = { [K in keyof S]: SchemaValue<S[K]> };

/** A schema's value type, `undefined` allowed (as in an optional key: `set` refuses it, `get` may return it). */
type SchemaValue<T> = T extends undefined ? T : Storable<T>;

/** One `[key, value]` of `setMany` for a schema (a union over its keys). */
export type SetEntry<S> = { [K in StorageKey<S>]: readonly [K, StorageInput<S, K>] }[StorageKey<S>];

/** The object form of `setMany` entries for a schema: some keys, each with its type. */
export type SetManyInput<S> = { readonly [K in StorageKey<S>]?: StorageInput<S, K> };

/** One operation of an atomic `batch` (a union over the schema's keys). */
export type StorageOp<S = UntypedSchema> =
  | { [K in StorageKey<S>]: { type: 'set'; key: K; value: StorageInput<S, K>; options?: SetOptions } }[StorageKey<S>]
  | { type: 'remove'; key: StorageKey<S> };

/** One entry of `scan()` on a typed storage: a union over its keys, narrowed by comparing `key`. */
export type SchemaScanEntry<S> = { [K in StorageKey<S>]: ScanEntry<StoredValueOf<S, K>, K> }[StorageKey<S>];

/** The value type `scan<T>()` may cast to: `unknown` on an untyped storage; on a typed one, none (`never`). */
export type UntypedValue<S> = IsUntyped<S> extends true ? unknown : never;
