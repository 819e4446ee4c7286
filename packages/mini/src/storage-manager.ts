import { StowageError, toStowageError, cleanExpired, storageInfo } from '@stowage/core';
import type { SetOptions, Storage, StorageOp, StorageOptions } from '@stowage/core';
import type { MiniStorageInfo } from './mini-types.js';
import { decodeMiniValue, encodeMiniValue } from './mini-values.js';
import { resolveStorage } from './resolve-storage.js';

/** Options of `StorageManager.set` (the seed's shape: expiry in seconds). */
export interface ManagerSetOptions {
  /** Seconds until the value expires; `0` or absent = never. */
  expire?: number;
  /** Encrypt with the storage's encryption codec. */
  encrypt?: boolean;
  /** Compress with the storage's compression codec (kept only when smaller). */
  compress?: boolean;
}

/** One operation of `StorageManager.batch`. */
export type ManagerOp =
  | { type: 'set'; key: string; data: unknown; options?: ManagerSetOptions }
  | { type: 'remove'; key: string };

/** Options of `createStorageManager`: an existing Storage, or options to build one (`prefix` @default 'mini'). */
export type StorageManagerOptions = { storage: Storage } | (StorageOptions & { storage?: undefined });

/** The seed project's `StorageManager` surface, as a thin layer over a Storage. */
export interface StorageManager {
  /** The Storage underneath. */
  readonly storage: Storage;
  /** Stores `data`; `expire` is in seconds. */
  set(key: string, data: unknown, options?: ManagerSetOptions): Promise<void>;
  /** The value, or `defaultValue` (`undefined` unless given) when absent or expired. */
  get<T = unknown>(key: string, defaultValue?: T): Promise<T | undefined>;
  /** Deletes `key`. */
  remove(key: string): Promise<void>;
  /** Whether `key` holds a live (unexpired) value. */
  has(key: string): Promise<boolean>;
  /** Live keys, sorted. */
  keys(): Promise<string[]>;
  /** Deletes every key of the namespace. */
  clear(): Promise<void>;
  /** Deletes expired keys; resolves to how many. */
  cleanExpired(): Promise<number>;
  /** Usage in KB (as the platform) plus `usage` (0–1). */
  getStorageInfo(): Promise<MiniStorageInfo & { usage: number }>;
  /** Applies every op in one atomic transaction: all or nothing. */
  batch(ops: readonly ManagerOp[]): Promise<void>;
  /** Closes the Storage if this factory built it. */
  close(): Promise<void>;
}

const SET_KEYS = ['expire', 'encrypt', 'compress'];
const MISSING = Symbol('missing');

/** Seed options (seconds) → Storage options (ms). */
function toSetOptions(o: unknown, key: unknown): SetOptions | undefined {
  if (o === undefined) return undefined;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new StowageError('invalid-argument', 'set options must be an object', { details: { key } });
  const unknownKey = Object.keys(o).find((k) => !SET_KEYS.includes(k));
  if (unknownKey) throw new StowageError('invalid-argument', `unknown set option "${unknownKey}" (allowed: ${SET_KEYS.join(', ')})`, { details: { key, option: unknownKey } });
  const { expire, encrypt, compress } = o as ManagerSetOptions;
  if (expire !== undefined && (typeof expire !== 'number' || !Number.isFinite(expire) || expire < 0)) {
    throw new StowageError('invalid-argument', `expire must be a number of seconds ≥ 0, got ${String(expire)}`, { details: { key, option: 'expire' } });
  }
  const out: SetOptions = {};
  if (expire) out.ttl = expire * 1000;
  if (encrypt !== undefined) out.encrypt = encrypt;
  if (compress !== undefined) out.compress = compress;
  return out;
}

/**
 * Creates the seed's `StorageManager` over a Storage: expiry in seconds (`expire`), `get` with a
 * default, atomic `batch` of `{ type: 'set' | 'remove' }` ops. Everything else is the Storage's.
 *
 * @example
 * const manager = createStorageManager({ driver: indexedDbDriver() });
 * await manager.set('token', 'abc', { expire: 3600, encrypt: true });
 */
export function createStorageManager(options: StorageManagerOptions = {}): StorageManager {
  const { storage, owned } = resolveStorage(options, [], 'createStorageManager');
  const guard = <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return fn();
    } catch (e) {
      return Promise.reject(toStowageError(e, 'StorageManager'));
    }
  };
  return {
    storage,
    // Values go in and out as through the mini API (Dates stay Dates): the two share a namespace by default.
    set: (key, data, o) => guard(() => storage.set(key, encodeMiniValue(data, key), toSetOptions(o, key))),
    get: <T>(key: string, defaultValue?: T) =>
      guard(async () => {
        const v = await storage.get<unknown>(key, MISSING);
        return v === MISSING ? defaultValue : (decodeMiniValue(v) as T);
      }),
    remove: (key) => guard(() => storage.remove(key)),
    has: (key) => guard(() => storage.has(key)),
    keys: () => storage.keys(),
    clear: () => storage.clear(),
    cleanExpired: () => cleanExpired(storage),
    getStorageInfo: async () => {
      const info = await storageInfo(storage);
      return { keys: info.keys, currentSize: info.currentSize, limitSize: info.limitSize, usage: info.usage };
    },
    batch: (ops) =>
      guard(() => {
        if (!Array.isArray(ops)) throw new StowageError('invalid-argument', 'batch expects an array of operations');
        const mapped = ops.map((op: ManagerOp, index): StorageOp => {
          if (op?.type === 'remove') return { type: 'remove', key: op.key };
          if (op?.type === 'set') {
            try {
              const so = toSetOptions(op.options, op.key);
              const value = encodeMiniValue(op.data, op.key);
              return so ? { type: 'set', key: op.key, value, options: so } : { type: 'set', key: op.key, value };
            } catch (e) {
              const err = toStowageError(e, 'batch');
              throw new StowageError(err.code, `batch operation ${index}: ${err.message}`, { cause: err, details: { ...err.details, index } });
            }
          }
          throw new StowageError('invalid-argument', `batch operation ${index}: unknown type ${JSON.stringify((op as { type?: unknown })?.type)}`, { details: { index } });
        });
        return storage.batch(mapped);
      }),
    close: async () => {
      if (owned) await storage.close();
    },
  };
}
