// Stowage's value model (what `serializeValue` accepts) as types: `JsonValue` to annotate with,
// `Storable<T>` to check a type against, `Stored<T>` for what a read gives back. Types only: no
// bytes in any bundle. The run-time check stays the authority (NaN, cycles and field-only class
// instances are beyond what a type can see).

/** A JSON primitive. Numbers must be finite: `NaN` and `±Infinity` are refused at run time. */
export type JsonPrimitive = string | number | boolean | null;

/**
 * A value `set` stores as it is: JSON primitives, arrays and plain objects, and `Date`s, which are
 * stored as their ISO string (as `JSON.stringify` does) and so **read back as strings** (see
 * {@link Stored}). Properties whose value is `undefined` are dropped, as JSON drops them.
 *
 * For annotations. A value whose type is an `interface` is not assignable to `JsonValue` (interfaces
 * have no index signature); `set` and the schema of `createStorage<Schema>()` check with
 * {@link Storable}, which accepts interfaces.
 */
export type JsonValue = JsonPrimitive | Date | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/** `true` for `any` (which must pass through: it is how a caller says "trust me"). */
type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * Types the serializer refuses whole, named so an error says "not assignable to `never`" at the
 * place of a `Map` rather than listing its methods. Anything else with a method is refused by the
 * method (a class instance, a `Promise`); `Error` has no method and is named here for that reason.
 */
type Refused =
  | bigint
  | symbol
  | ((...args: never[]) => unknown)
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>
  | WeakMap<object, unknown>
  | WeakSet<object>
  | PromiseLike<unknown>
  | RegExp
  | Error
  | ArrayBuffer
  | ArrayBufferView;

/**
 * `T` with every part the serializer refuses at run time replaced by `never`, so a value of type
 * `T` is storable when `T` is assignable to `Storable<T>` (`set` takes `V & Storable<V>`).
 * Refused: functions (and so class instances and objects with methods), `bigint`, `symbol`,
 * symbol-keyed properties, `Map`, `Set`, `WeakMap`, `WeakSet`, promises, `RegExp`, `Error`, binary
 * buffers, `undefined` as a value or an array element. Allowed: JSON values, `Date`s, `undefined`
 * properties (dropped). `unknown` and `any` pass: the run-time check decides.
 *
 * @example
 * type Ok = Storable<{ name: string; at: Date }>;       // { name: string; at: Date }
 * type No = Storable<{ tags: Set<string> }>;            // { tags: never }
 */
export type Storable<T> =
  IsAny<T> extends true ? T
  : unknown extends T ? T
  : [T] extends [JsonValue] ? T // already JSON (and recursive JSON types end here instead of unfolding forever)
  : T extends JsonPrimitive | Date ? T
  : T extends Refused | undefined ? never
  : T extends readonly unknown[] ? { [I in keyof T]: Storable<T[I]> }
  : T extends object ? { [K in keyof T]: K extends symbol ? never : StorableProperty<T[K]> }
  : never;

/** A property's value: `undefined` is fine there (JSON drops the property). */
type StorableProperty<T> = T extends undefined ? T : Storable<T>;

/**
 * What reading a value written as `T` gives back: `T` with every `Date` replaced by `string` (a
 * `Date` is stored as its ISO string; `new Date(value)` makes it a `Date` again). A `T` without
 * `Date`s is `T` itself, so `Stored<User>` reads as `User`.
 */
export type Stored<T> = unknown extends T ? T : [T] extends [StoredDeep<T>] ? T : StoredDeep<T>;

/**
 * The mapping itself. A mapped type, not a conditional that first looks for `Date`s: mapped types
 * are evaluated lazily, so recursive types (a tree of nodes) do not recurse forever.
 */
type StoredDeep<T> = T extends Date ? string : T extends JsonPrimitive | undefined ? T : { [K in keyof T]: StoredDeep<T[K]> };
