import type { Driver, DriverOp } from '../driver.js';
import type { EventSource, StorageEvent } from '../events.js';
import type { Clock } from '../ports.js';
import type { KeyMeta, StoredRecord } from '../record.js';
import type { SerializedValue } from '../serialize.js';
import type { EntryInfo, SetOptions } from '../storage-types.js';

/** A change in user keys, as one commit applies it. */
export type Change = (
  | { type: 'put'; key: string; record: StoredRecord }
  | { type: 'delete'; key: string; reason: 'removed' | 'expired' }
) & {
  /** The writer's own data about this change, shown to commit hooks (see `applyRecords`). */
  tag?: unknown;
};

/**
 * What caused a commit: the app (`local`), a sync engine applying cloud state (`sync`), or a
 * rewrite that keeps every value and timestamp — new encodings (`reencode`) or a schema upgrade
 * (`migrate`). Rewrites emit no change events.
 */
export type CommitKind = 'local' | 'sync' | 'reencode' | 'migrate';

/**
 * One atomic driver batch on its way down the layers: `before` (checks), the changes, `after`
 * (e.g. a sync outbox's entries). A layer's `commit` stage may add to all three, then calls `next`.
 */
export interface Commit {
  readonly driver: Driver;
  readonly origin: CommitKind;
  /** Mutable: a layer may add changes (e.g. deletes of expired records to make room). */
  changes: Change[];
  readonly before: DriverOp[];
  readonly after: DriverOp[];
  /** Deletes the whole namespace: `changes` stays empty unless a layer lists the keys. */
  clear?: boolean;
  /** What commit hooks see, when not `changes` minus expiry deletes (a rewrite names its own). */
  hooked?: readonly Change[];
}

/** A value on its way into a record: validated and serialized, with the caller's options. */
export interface Put {
  readonly key: string;
  readonly value: SerializedValue;
  readonly options: SetOptions | undefined;
  /** A rewrite of this record: keep its codec choice. */
  readonly codecsOf?: StoredRecord;
  /** Keep these timestamps and this expiry (a rewrite or an import). */
  readonly times?: Pick<StoredRecord, 'createdAt' | 'updatedAt' | 'expiresAt'>;
}

/** A committed change as layers and other tabs learn of it (records reduced to their metadata). */
export type ObservedChange = { type: 'put'; key: string; meta: KeyMeta } | { type: 'delete'; key: string; reason: 'removed' | 'expired' };

/**
 * Something that happened to the namespace, told to every layer (then, for the public kinds, to
 * subscribers as a {@link StorageEvent}). `wire`: it came from another tab over the broadcast.
 */
export type Observation =
  | { kind: 'changes'; source: EventSource; silent: boolean; changes: readonly ObservedChange[]; wire?: boolean }
  | { kind: 'clear'; source: EventSource; wire?: boolean }
  | { kind: 'import'; source: EventSource; mode: 'merge' | 'replace'; count: number; wire?: boolean }
  | { kind: 'meta'; name: string; wire?: boolean }
  | { kind: 'fallback' };

/**
 * One operation of a storage, as `operation` stages see it: a method call (`get`, `set`, `batch`,
 * …, by its name) or a step of a whole-namespace function or of the storage's own background work
 * (by the name it runs under: `getRecord`, `applyRecords`, `exportData`, `expire`, …).
 */
export interface Operation {
  readonly name: string;
  /** The key of a one-key method (`get`, `set`, `remove`, `has`). */
  readonly key?: string;
  /** The keys a multi-key method names: read (`getMany`) or written (`setMany`, `batch`). */
  readonly keys?: readonly string[];
  /** How many writes and removes a `setMany` or `batch` holds, set by the kernel once it checked them. */
  count?: number;
  /** Stored bytes of the records a write put, set by the kernel once they are encoded. */
  size?: number;
}

/** Options of a read through the layers. */
export interface DecodeOptions {
  /** Upgrade an older schema on the way (and write the upgrade back). @default true */
  migrate?: boolean;
}

/**
 * What the kernel offers its layers: the namespace, the write lane, the commit chain and the
 * observation hub. The one extension point; nothing else of the kernel is reachable.
 */
export interface KernelContext {
  readonly prefix: string;
  /** Driver-key prefix of data keys (`${prefix}:`). */
  readonly dp: string;
  /** Scope of the configured driver (shared by every tab on the same store). */
  readonly scope: string;
  readonly clock: Clock;
  readonly maxKeyLength: number;
  readonly closed: boolean;
  /** The driver in use (after any fallback), for the reserved key space. */
  driver(): Promise<Driver>;
  /** Runs `fn` between writes, in order with them; errors become StowageErrors. One {@link Operation} named `what` (on `key`). */
  exclusive<T>(what: string, fn: (d: Driver) => Promise<T>, key?: string): Promise<T>;
  /** Runs `fn` once pending writes settled (read your writes). One {@link Operation} named `what` (on `key`, or on `keys`). */
  read<T>(what: string, fn: (d: Driver) => Promise<T>, key?: string, keys?: readonly string[]): Promise<T>;
  /** Resolves once every write submitted to the lane so far has settled (committed or failed). */
  idle(): Promise<void>;
  /** Queues a write in the lane; its failure becomes an `error` event. */
  background(operation: string, fn: (d: Driver) => Promise<void>): void;
  /** Runs `c` through every layer's commit stage into one driver batch. The caller holds the lane. */
  commit(c: Commit): Promise<void>;
  /** The record of a put, built by every layer's prepare stage. */
  encode(put: Put): Promise<StoredRecord>;
  /** The value of a record, through every layer's decode stage. */
  decode(key: string, record: StoredRecord, raw: unknown, options?: DecodeOptions): Promise<unknown>;
  /** The envelope of what is stored under a key (a foreign value wrapped as schema 0). */
  recordOf(key: string, raw: unknown): StoredRecord;
  entryInfo(key: string, record: StoredRecord): EntryInfo;
  /** Tells every layer, then subscribers. */
  observe(o: Observation): void;
  emit(e: StorageEvent): void;
  /** The layer of this storage named `name`, if it has one (e.g. `'hooks'` for a sync engine). */
  layer<L extends Layer>(name: string): L | undefined;
  /**
   * Adds `layer`'s `operation` stage to this running storage, innermost (its other stages are
   * fixed when the kernel is built): how `instrument()` observes a storage it did not create.
   * Attaching the same layer again changes nothing. Returns the detach.
   */
  attach(layer: Layer): () => void;
  /**
   * Runs `run` as one operation through the `operation` stages (just `run()` when none): for a
   * wrapper that answers without the kernel — the memory tier's hits — so observers still see
   * every read the storage's users make.
   */
  operation<T>(op: Operation, run: () => Promise<T>): Promise<T>;
}

/**
 * A feature of a storage, as stages the kernel runs in the order layers are given (outer first).
 * Every stage is optional: a layer implements only what it changes.
 */
export interface Layer {
  readonly name: string;
  /** `set` options this layer understands (others are refused as typos). */
  readonly setOptions?: readonly string[];
  /** Once, when the kernel is built. */
  setup?(ctx: KernelContext): void;
  /** Synchronous validation of a write before it is queued; throw to refuse it. */
  check?(put: Put): void;
  /** Shapes the record of a put (expiry, schema, encoding), in layer order. */
  prepare?(put: Put, record: StoredRecord): void | Promise<void>;
  /** Around the driver batch: add ops, refuse, retry, act after `next()` resolved. */
  commit?(c: Commit, next: () => Promise<void>): Promise<void>;
  /** Whether this layer's decode stage must see `record` (else the stored value is the value). */
  needsDecode?(record: StoredRecord): boolean;
  /** Around reading a record's value. */
  decode?(key: string, record: StoredRecord, raw: unknown, next: () => Promise<unknown>, options: DecodeOptions): Promise<unknown>;
  /**
   * Around every operation (each method call, each read or write step of a whole-namespace
   * function, each background write), validation included: call `run` once and hand back what it
   * settles with (a read's value, `undefined` for an absent key, before any default). For timing
   * and counting — a method's errors reach this stage as they reach the caller.
   */
  operation?<T>(op: Operation, run: () => Promise<T>): Promise<T>;
  /** A read found `raw` expired at `now` (it reads as absent). */
  expired?(key: string, raw: unknown, now: number): void;
  /** Fills in what this layer knows of a record's metadata. */
  describe?(record: StoredRecord, info: EntryInfo): void;
  observe?(o: Observation): void;
  close?(): void | Promise<void>;
}
