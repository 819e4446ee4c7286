import type { Clock, Storage, StorageLimits, StorageListener, StorageOptions, StowageError, StowageErrorCode } from '@stowage/core';

/** What every callback and promise of an async API receives: `'<api>:ok'` or `'<api>:fail <reason>'`. */
export interface MiniResult {
  errMsg: string;
}

/** What `fail`/`complete` receive on failure, and what the returned promise rejects with. */
export interface MiniFailResult extends MiniResult {
  /** The typed error behind the failure. */
  error: StowageError;
  /** The same error, for code that reads `cause`. */
  cause: StowageError;
  /** `error.code`. */
  code: StowageErrorCode;
}

/** `success` / `fail` / `complete`, as every async mini-program API accepts them. */
export interface MiniCallbacks<S extends MiniResult> {
  /** Called with the success object, before `complete`. */
  success?: (result: S) => void;
  /** Called with the failure object, before `complete`. */
  fail?: (result: MiniFailResult) => void;
  /** Called last, with the success or failure object. */
  complete?: (result: S | MiniFailResult) => void;
}

/** Options of `setStorage`. */
export interface SetStorageOption extends MiniCallbacks<MiniResult> {
  key: string;
  /** JSON-compatible data or `Date`s (at any depth): a Date reads back as a Date, as on the platform. */
  data: unknown;
  /** Encrypt with the storage's encryption codec. @default false */
  encrypt?: boolean;
}

/** Success object of `getStorage`. */
export interface GetStorageResult<T = unknown> extends MiniResult {
  data: T;
}

/** Options of `getStorage`. */
export interface GetStorageOption<T = unknown> extends MiniCallbacks<GetStorageResult<T>> {
  key: string;
  /** Accepted for compatibility; encrypted values are decrypted whether or not it is set. Fails when no encryption codec is configured. */
  encrypt?: boolean;
}

/** Options of `removeStorage`. */
export interface RemoveStorageOption extends MiniCallbacks<MiniResult> {
  key: string;
}

/** Usage in the platform's units. */
export interface MiniStorageInfo {
  /** Live keys, sorted. */
  keys: string[];
  /** KB in use (rounded up). */
  currentSize: number;
  /** KB allowed. */
  limitSize: number;
}

/** Success object of `getStorageInfo`. */
export type GetStorageInfoResult = MiniStorageInfo & MiniResult;

/** One entry of `batchSetStorage` / `batchSetStorageSync`. */
export interface KvItem {
  key: string;
  value: unknown;
  /** Encrypt this value. @default false */
  encrypt?: boolean;
}

/** Options of `batchSetStorage`. */
export interface BatchSetStorageOption extends MiniCallbacks<MiniResult> {
  kvList: KvItem[];
}

/** Success object of `batchGetStorage`: values aligned with `keyList` (`''` for absent keys). */
export interface BatchGetStorageResult<T = unknown> extends MiniResult {
  dataList: (T | '')[];
}

/** Options of `batchGetStorage`. */
export interface BatchGetStorageOption<T = unknown> extends MiniCallbacks<BatchGetStorageResult<T>> {
  keyList: string[];
}

/** Something `pagehide` can be listened on (a window). */
export interface PagehideTarget {
  addEventListener(type: 'pagehide', listener: () => void): void;
  removeEventListener(type: 'pagehide', listener: () => void): void;
}

/** Where a reported error happened. */
export interface MiniErrorContext {
  /** The API or internal step, e.g. `'setStorageSync'`, `'refresh'`, `'callback'`. */
  operation: string;
  /** Keys whose mirror value was restored because the store refused the write. */
  keys: string[];
}

/** Options every mini factory accepts, whether it builds the Storage or is given one. */
export interface MiniCommonOptions {
  /**
   * Limits the Sync API checks synchronously against the mirror (and, when the Storage is built here,
   * the Storage's limits). Pass the Storage's own limits when you give one.
   * @default { maxValueBytes: 1048576, maxTotalBytes: 10485760, maxKeyLength: 1024 }
   */
  limits?: StorageLimits;
  /** Time source for TTL checks of the mirror (and the Storage when built here). @default systemClock */
  clock?: Clock;
  /**
   * Called when a write-behind fails (after the mirror was restored), a callback throws, or the
   * mirror cannot refresh. The same errors are published as `{ type: 'error' }` to `subscribe`.
   * @default undefined (errors nobody listens to are rethrown asynchronously, so they reach the console)
   */
  onError?: (error: StowageError, context: MiniErrorContext) => void;
  /** Where to listen for `pagehide` to start a `flush()`; `false` disables it. @default globalThis when it has addEventListener */
  pagehideTarget?: PagehideTarget | false;
}

/** Storage options when the mini layer builds its own Storage (`prefix` defaults to `'mini'`). */
export type MiniOwnStorageOptions = Omit<StorageOptions, 'limits' | 'clock'> & { storage?: undefined };

/** Options of `createMiniStorage` / `createStorageManager`: an existing Storage, or options to build one. */
export type MiniStorageOptions = MiniCommonOptions & ({ storage: Storage } | MiniOwnStorageOptions);

/** The WeChat mini-program storage API (`wx.*Storage*`) over a Stowage Storage. */
export interface MiniStorage {
  /** The Storage underneath (for TTL, backups, events, …). */
  readonly storage: Storage;
  /** Hydrates the in-memory mirror (all keys, decrypted). Sync APIs throw `unavailable` until it resolves. Idempotent. */
  ready(): Promise<void>;
  /** Whether `ready()` has completed. */
  readonly isReady: boolean;
  /** Resolves once every write issued so far is durable; rejects with the first failure among them. */
  flush(): Promise<void>;
  /** Storage events plus `{ type: 'error' }` for failed write-behinds; returns the unsubscribe function. */
  subscribe(listener: StorageListener): () => void;
  /** Flushes, stops listening, and closes the Storage if this factory built it. */
  close(): Promise<void>;

  /** Stores `data` under `key` (`encrypt: true` with the encryption codec). */
  setStorage(option: SetStorageOption): Promise<MiniResult>;
  /** `{ data }`; fails with `getStorage:fail data not found` for an absent or expired key. */
  getStorage<T = unknown>(option: GetStorageOption<T>): Promise<GetStorageResult<T>>;
  /** Deletes `key` (succeeds for an absent key too, as the platform). */
  removeStorage(option: RemoveStorageOption): Promise<MiniResult>;
  /** Deletes every key of this namespace (never another prefix's). */
  clearStorage(option?: MiniCallbacks<MiniResult>): Promise<MiniResult>;
  /** Keys and usage in KB. */
  getStorageInfo(option?: MiniCallbacks<GetStorageInfoResult>): Promise<GetStorageInfoResult>;
  /** Writes every entry in one atomic transaction. */
  batchSetStorage(option: BatchSetStorageOption): Promise<MiniResult>;
  /** `{ dataList }` aligned with `keyList` (`''` for absent keys). */
  batchGetStorage<T = unknown>(option: BatchGetStorageOption<T>): Promise<BatchGetStorageResult<T>>;

  /** Writes to the mirror now and to the store behind (auto-batched). Throws on bad input, leaving both unchanged. */
  setStorageSync(key: string, data: unknown): void;
  /** The value, or `''` when the key is absent or expired (as the platform). */
  getStorageSync<T = unknown>(key: string): T | '';
  /** Deletes `key` from the mirror now and from the store behind. */
  removeStorageSync(key: string): void;
  /** Empties the mirror now and the namespace behind. */
  clearStorageSync(): void;
  /** Keys and usage in KB, from the mirror. */
  getStorageInfoSync(): MiniStorageInfo;
  /** All-or-nothing: validated together, written in one transaction. */
  batchSetStorageSync(kvList: KvItem[]): void;
  /** Values aligned with `keyList` (`''` for absent keys). */
  batchGetStorageSync<T = unknown>(keyList: string[]): (T | '')[];
}
