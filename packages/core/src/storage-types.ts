import type { Codec } from './codec.js';
import type { Driver, DriverOp } from './driver.js';
import type { StoredRecord } from './record.js';
import type { StowageError } from './errors.js';
import type { BroadcastFactory, Clock, EstimateFn, LockPort } from './ports.js';

/** Byte and length limits of a namespace. */
export interface StorageLimits {
  /** Largest record (UTF-8 key + stored payload). @default 1048576 (1 MB, as mini-programs) */
  maxValueBytes?: number;
  /** Largest namespace. @default 10485760 (10 MB, as mini-programs) */
  maxTotalBytes?: number;
  /** Longest key in UTF-16 code units. @default 1024 */
  maxKeyLength?: number;
}

/** Converts a value between two adjacent schema versions (`from` → `to`, one apart). */
export type MigrationStep = (value: unknown, context: { key: string; from: number; to: number }) => unknown | Promise<unknown>;

/**
 * `migrations[n]`: how values change between schema versions n-1 and n. A function upgrades
 * (n-1 → n); `{ up, down }` also says the way back (n → n-1), which `migrate(storage, { to })`
 * needs for every version it goes down through. A version without an entry changed no value.
 */
export type Migration = MigrationStep | { readonly up: MigrationStep; readonly down?: MigrationStep };

/** Options of `migrate()`. */
export interface MigrateOptions {
  /** Schema version to leave every record at: lower than `schemaVersion` runs the `down` steps. @default schemaVersion */
  to?: number;
  /** Records per page (each page is one transaction). @default 100 */
  batchSize?: number;
  /** Called after each page with the number of records rewritten so far. */
  onProgress?: (done: number) => void;
}

/**
 * One entry of `migrationHistory()`: a schema change of the namespace. `trigger: 'open'` — a
 * storage with a higher `schemaVersion` met the namespace (its records then upgrade as they are
 * read); `'migrate'` — `migrate()` rewrote the records (up, or down to `to`).
 */
export interface MigrationRun {
  /** Sortable sequence number ('000001', …), in the order the runs started. */
  readonly id: string;
  readonly from: number;
  readonly to: number;
  readonly trigger: 'open' | 'migrate';
  /** Storage clock (ms) when it started, and when it ended (absent while running or if it died). */
  readonly startedAt: number;
  readonly finishedAt?: number;
  /** `'open'`: records older than `to` at that moment; `'migrate'`: records rewritten. */
  readonly records: number;
  /** The automatic backup taken just before (see `listBackups`); absent when the namespace was empty or backups are off. */
  readonly backupId?: string;
  /** `'failed'`: a migration step threw (for `'open'`, while a record was read); the backup is kept. */
  readonly status: 'running' | 'done' | 'failed';
  readonly error?: { readonly code: string; readonly message: string; readonly key?: string };
}

/** Options of `createStorage`. */
export interface StorageOptions {
  /** Backend. @default memoryDriver() */
  driver?: Driver;
  /** Namespace: keys are stored as `${prefix}:${key}`; `clear()` never touches another prefix. @default 'stowage' */
  prefix?: string;
  /** Compression codec used for values of at least `compressThreshold` bytes (and when `compress: true`). */
  compression?: Codec;
  /** Encryption codec used with `encrypt: true` (or for every value with `encryptAll`). */
  encryption?: Codec;
  /** More codecs, only for reading records written with them (e.g. a legacy decoder). */
  codecs?: readonly Codec[];
  /** Serialized size from which values are compressed. @default 1024 */
  compressThreshold?: number;
  /** Encrypt every value unless `encrypt: false`. @default false */
  encryptAll?: boolean;
  limits?: StorageLimits;
  /** TTL in ms applied when `set` gives none. @default undefined (no expiry) */
  defaultTtl?: number;
  /** Sweep expired keys every this many ms. @default undefined (only lazily and by cleanExpired()) */
  sweepInterval?: number;
  /** Current app schema version of values. @default 1 */
  schemaVersion?: number;
  /** `migrations[n]`: a function upgrading a value from version n-1 to n, or `{ up, down }`. Upgrades run lazily on read and by `migrate()`. */
  migrations?: Readonly<Record<number, Migration>>;
  /** Take an automatic backup before a schema change touches the first record (see `migrationHistory`). @default true */
  migrationBackup?: boolean;
  /** When the driver is unavailable (private mode, blocked), keep working in memory. @default true */
  fallbackToMemory?: boolean;
  /** How many automatic pre-import backups to keep. @default 3 */
  backupsToKeep?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default defaultLocks() */
  locks?: LockPort;
  /** Cross-tab bus; `false` disables cross-tab events. @default broadcastChannel */
  broadcast?: BroadcastFactory | false;
  /** @default browserEstimate */
  estimate?: EstimateFn;
}

/** Options of `set`. */
export interface SetOptions {
  /** Time to live in ms; `null` = never expires even with a `defaultTtl`. */
  ttl?: number | null;
  /** Absolute expiry (epoch ms); wins over `ttl`. */
  expiresAt?: number;
  /** `true`: compress even below the threshold; `false`: never. Kept only if it shrinks the value. */
  compress?: boolean;
  /** Encrypt with the storage's encryption codec. @default StorageOptions.encryptAll */
  encrypt?: boolean;
}

/** Usage of a namespace, in the mini-program's units (KB). */
export interface StorageInfo {
  /** Live keys, sorted. */
  keys: string[];
  /** KB used by live records. */
  currentSize: number;
  /** KB allowed (`maxTotalBytes`). */
  limitSize: number;
  /** currentSize / limitSize, 0–1. */
  usage: number;
  /** Whether data survives a reload (false after a fallback to memory). */
  persistent: boolean;
  /** Name of the driver in use. */
  driver: string;
  /** `navigator.storage.estimate()` for the whole origin, in bytes, where available. */
  estimate?: { usage: number; quota: number };
}

/** Metadata of one key, read without decoding its value. */
export interface EntryInfo {
  key: string;
  /** Stored bytes (key + payload). */
  size: number;
  /** Serialized bytes before codecs. */
  rawSize: number;
  codecs: string[];
  compressed: boolean;
  encrypted: boolean;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
  schema: number;
}

/**
 * One live entry of `scan()`: its value (decoded, migrated) and metadata. A record that cannot be
 * decoded (wrong key, tampered bytes, missing codec, failing migration) carries `error` and no
 * `value`, so one bad record never hides the others.
 */
export interface ScanEntry<T = unknown, K extends string = string> {
  key: K;
  value?: T;
  error?: StowageError;
  info: EntryInfo;
}

/** Options of `exportData`. */
export interface ExportOptions {
  /** Decrypt encrypted values into the backup (plaintext!). @default false */
  decrypt?: boolean;
}

/** Options of `importData`. */
export interface ImportOptions {
  /** `merge`: backup keys overwrite, others stay; `replace`: the namespace becomes the backup. @default 'merge' */
  mode?: 'merge' | 'replace';
}

/** Options of `reencode`. */
export interface ReencodeOptions {
  /**
   * Which records to re-encode, by their codec ids and the stored record (e.g. the key id in its
   * ciphertext, so a resumed key rotation skips records already on the new key).
   * @default every encoded record
   */
  filter?: (codecs: readonly string[], record: StoredRecord) => boolean;
  /** Records per transaction. @default 100 */
  batchSize?: number;
  onProgress?: (done: number) => void;
}

/** What a storage was configured with (read-only), for layers built on top of it. */
export interface StorageConfig {
  readonly prefix: string;
  /** An encryption codec is configured (`encrypt: true` is possible). */
  readonly encryption: boolean;
  /** A compression codec is configured. */
  readonly compression: boolean;
  readonly encryptAll: boolean;
  readonly defaultTtl: number | undefined;
  /** Current app schema version of values. */
  readonly schemaVersion: number;
  readonly limits: Required<StorageLimits>;
}

/** A logical change as committed, in user keys (expiry sweeps are not included). */
export type CommitChange = (
  | { readonly type: 'put'; readonly key: string; readonly record: StoredRecord }
  | { readonly type: 'delete'; readonly key: string }
) & {
  /** What the writer attached to this change (`applyRecords` item's `tag`): e.g. the remote revision a sync engine applies. */
  readonly tag?: unknown;
};

/** Who caused a commit: the app through the storage, or a sync engine applying cloud state. */
export type CommitOrigin = 'local' | 'sync';

/**
 * What a commit hook is told caused a commit: a {@link CommitOrigin}, or `'reencode'` — the same
 * values under new encodings (`storage.reencode()`, e.g. after a key rotation). Re-encodings keep
 * every timestamp and are not logical changes; hooks see only those of encrypted records, whose
 * stored bytes a hook may ship as they are (a sync engine pushes the new ciphertext, so the cloud
 * copy stops opening with a retired key).
 */
export type HookOrigin = CommitOrigin | 'reencode';

/**
 * Joins a storage's write transactions: `ops` returns driver ops (e.g. outbox entries in the
 * reserved key space) that go into the same driver batch as the changes, so both commit or
 * neither; `committed` runs after the commit. A throw (or rejection) from `ops` fails the write.
 */
export interface CommitHook {
  ops(changes: readonly CommitChange[], origin: HookOrigin): HookOps | Promise<HookOps>;
  committed?(changes: readonly CommitChange[], origin: HookOrigin): void;
}

/**
 * What a hook adds to one commit: its driver ops, or the ops with what to do once that very commit
 * is durable (state that belongs to this commit stays in this closure, not in a map beside it).
 */
export type HookOps = readonly DriverOp[] | { readonly ops: readonly DriverOp[]; committed?(): void };

/**
 * One item of `applyRecords`: a raw record (written as is — ciphertext stays ciphertext), a plain
 * JSON value (encoded by the storage with its own codecs), or a deletion.
 */
export type ApplyRecordItem = (
  | { key: string; record: StoredRecord }
  /**
   * `schema`: the app schema version `value` was written under (@default the current one); an older
   * one is migrated on read, like a local record; a newer one is kept as it is.
   */
  | { key: string; value: unknown; expiresAt?: number; schema?: number }
  | { key: string; deleted: true }
) & {
  /** Only write if the key's current `updatedAt` is this (`null` = absent): a compare-and-set. */
  expectUpdatedAt?: number | null;
  /** Travels with the change to commit hooks (`CommitChange.tag`), e.g. the remote revision applied. */
  tag?: unknown;
};
