import { StowageError, toStowageError, prefixUpperBound, assertKey, assertKeys, assertOps, assertPrefix, checkEntriesOptions, failedCheck, type Driver, type DriverOp, type EntriesOptions } from '@stowage/core';
import { promisifyRequest } from 'idb-keyval';
import { createIdbStore, type IdbStore } from './idb-store.js';

/** Options of {@link indexedDbDriver}. */
export interface IndexedDbDriverOptions {
  /** Database name. @default 'stowage' */
  dbName?: string;
  /** Object store name; several stores may share one database. @default 'kv' */
  storeName?: string;
  /** IndexedDB factory, for tests (fake-indexeddb) or other realms. @default globalThis.indexedDB */
  indexedDB?: IDBFactory;
  /** Key range class matching `indexedDB` (pass fake-indexeddb's with its factory). @default globalThis.IDBKeyRange */
  IDBKeyRange?: typeof IDBKeyRange;
  /**
   * Transaction durability hint. `'strict'` waits for the OS to flush to disk before `complete`
   * (use it for data you cannot lose, e.g. an outbox); `'relaxed'` is faster. @default 'default'
   */
  durability?: IDBTransactionDurability;
  /** How long `open()` may stay pending (e.g. `blocked` by another tab) before `unavailable`. @default 5000 */
  openTimeoutMs?: number;
}

/**
 * The default Stowage driver: one IndexedDB object store, built on idb-keyval's request helpers.
 *
 * - `batch()` runs every op in ONE readwrite transaction and resolves on its `complete` event; if
 *   any op fails (uncloneable value, quota, abort) nothing of the batch is written.
 * - `getMany()` reads in one readonly transaction; `entries/keys/clear` use key ranges, so prefix
 *   scans and paging never load the whole store.
 * - The connection is cached, closed on `versionchange` (so other tabs can upgrade or delete the
 *   database) and reopened by the next operation.
 * - `open()` rejects with `unavailable` when IndexedDB is missing, throws, errors, or stays
 *   blocked longer than `openTimeoutMs`.
 *
 * @example
 * ```ts
 * const driver = indexedDbDriver({ dbName: 'app', durability: 'strict' });
 * await driver.open();
 * await driver.batch([{ type: 'put', key: 'user:1', value: { name: 'Ada' } }]);
 * ```
 */
export function indexedDbDriver(options: IndexedDbDriverOptions = {}): Driver {
  const {
    dbName = 'stowage',
    storeName = 'kv',
    durability = 'default',
    openTimeoutMs = 5000,
  } = options;
  for (const [name, value] of [['dbName', dbName], ['storeName', storeName]] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new StowageError('invalid-argument', `indexedDbDriver: ${name} must be a non-empty string`);
    }
  }
  if (!['default', 'strict', 'relaxed'].includes(durability)) {
    throw new StowageError('invalid-argument', `indexedDbDriver: unknown durability '${String(durability)}'`);
  }
  if (typeof openTimeoutMs !== 'number' || !(openTimeoutMs > 0)) {
    throw new StowageError('invalid-argument', 'indexedDbDriver: openTimeoutMs must be a positive number');
  }
  // Resolved now but only used on open, so merely importing this module never touches IndexedDB.
  const factory = 'indexedDB' in options ? options.indexedDB : globalThis.indexedDB;
  const keyRange = options.IDBKeyRange ?? globalThis.IDBKeyRange;
  return new IndexedDbDriver(dbName, storeName, keyRange, createIdbStore({ dbName, storeName, indexedDB: factory, durability, openTimeoutMs }));
}

/** Resolves on the transaction's `complete`, rejects on `abort` with the error that caused it. */
function transactionDone(tx: IDBTransaction): Promise<void> {
  // Not idb-keyval's promisifyRequest(tx): it also listens to `error`, which bubbles up from a
  // failed request *before* the abort sets `tx.error`, so it would reject with `null`.
  return new Promise((resolve, reject) => {
    tx.addEventListener('complete', () => resolve());
    tx.addEventListener('abort', () => reject(tx.error ?? new DOMException('Transaction aborted', 'AbortError')));
  });
}

class IndexedDbDriver implements Driver {
  readonly name = 'indexeddb';
  readonly scope: string;
  readonly capabilities = { persistent: true, atomicBatch: true } as const;
  readonly #store: IdbStore;
  readonly #keyRange: typeof IDBKeyRange | undefined;
  #closed = false;

  constructor(dbName: string, storeName: string, keyRange: typeof IDBKeyRange | undefined, store: IdbStore) {
    this.scope = `indexeddb:${dbName}/${storeName}`;
    this.#keyRange = keyRange;
    this.#store = store;
  }

  async open(): Promise<void> {
    this.#check('open');
    if (this.#keyRange === undefined) throw new StowageError('unavailable', 'IndexedDB open: IDBKeyRange is missing');
    await this.#store.connect();
  }

  async get(key: string): Promise<unknown> {
    assertKey(key, 'indexeddb get');
    return this.#run('indexeddb get', 'readonly', (store) => promisifyRequest(store.get(key)), { key });
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    assertKeys(keys, 'indexeddb getMany');
    if (keys.length === 0) return this.#run('indexeddb getMany', 'readonly', () => []);
    // One promise for the lot, not one per request: at 20,000 keys the per-request promises and
    // their reactions cost more than the callbacks themselves.
    return this.#run('indexeddb getMany', 'readonly', (store) =>
      new Promise<unknown[]>((resolve, reject) => {
        const out = new Array<unknown>(keys.length);
        let left = keys.length;
        keys.forEach((key, i) => {
          const req = store.get(key);
          req.onsuccess = () => {
            out[i] = req.result;
            if (--left === 0) resolve(out);
          };
          req.onerror = () => reject(req.error);
        });
      }),
    );
  }

  async batch(ops: readonly DriverOp[]): Promise<void> {
    assertOps(ops, 'indexeddb batch');
    if (ops.length === 0) return this.#check('indexeddb batch');
    let failed: StowageError | undefined;
    try {
      await this.#run('indexeddb batch', 'readwrite', (store) => {
        const tx = store.transaction;
        const done = transactionDone(tx);
        let index = 0;
        try {
          for (const op of ops) {
            if (op.type === 'put') store.put(op.value, op.key);
            else if (op.type === 'delete') store.delete(op.key);
            else {
              // Requests run in order, so the read sees the ops before it; aborting from its
              // success handler undoes every request of the transaction, earlier ones included.
              const at = index;
              const req = store.get(op.key);
              req.onsuccess = () => {
                failed ??= failedCheck(op, req.result, 'indexeddb batch', at);
                if (failed) tx.abort();
              };
            }
            index++;
          }
        } catch (err) {
          // A synchronous throw (DataCloneError, DataError) leaves earlier requests queued: they
          // would commit unless the transaction is aborted explicitly.
          done.catch(() => undefined);
          tx.abort();
          throw toStowageError(err, 'indexeddb batch', { index, key: ops[index]?.key });
        }
        return done;
      });
    } catch (err) {
      throw failed ?? err;
    }
  }

  async entries(prefix: string, options?: EntriesOptions): Promise<[string, unknown][]> {
    assertPrefix(prefix, 'indexeddb entries');
    const { after, limit } = checkEntriesOptions(options, 'indexeddb entries');
    const range = this.#range(prefix, after);
    if (range === null || limit === 0) return this.#run('indexeddb entries', 'readonly', () => []);
    const count = limit === undefined || limit > 0xffffffff ? undefined : limit;
    const [keys, values] = await this.#run('indexeddb entries', 'readonly', (store) =>
      // Two requests over the same range in one transaction see the same snapshot, so the
      // arrays line up; getAll is much faster than walking a cursor.
      Promise.all([promisifyRequest(store.getAllKeys(range, count)), promisifyRequest(store.getAll(range, count))]),
    );
    const out: [string, unknown][] = [];
    keys.forEach((key, i) => {
      // Keys written by other code may be binary or arrays (they sort after strings).
      if (typeof key === 'string') out.push([key, values[i]]);
    });
    return out;
  }

  async values(prefix: string, options?: EntriesOptions): Promise<unknown[]> {
    assertPrefix(prefix, 'indexeddb values');
    const { after, limit } = checkEntriesOptions(options, 'indexeddb values');
    const range = this.#range(prefix, after);
    if (range === null || limit === 0) return this.#run('indexeddb values', 'readonly', () => []);
    // An open-ended range also spans non-string keys (binary, arrays), which entries() leaves out
    // by looking at the keys: only entries() can tell those apart.
    if (prefixUpperBound(prefix) === undefined) return (await this.entries(prefix, options)).map(([, v]) => v);
    const count = limit === undefined || limit > 0xffffffff ? undefined : limit;
    return this.#run('indexeddb values', 'readonly', (store) => promisifyRequest(store.getAll(range, count)));
  }

  async keys(prefix: string): Promise<string[]> {
    assertPrefix(prefix, 'indexeddb keys');
    const range = this.#range(prefix, undefined);
    if (range === null) return this.#run('indexeddb keys', 'readonly', () => []);
    const keys = await this.#run('indexeddb keys', 'readonly', (store) => promisifyRequest(store.getAllKeys(range)));
    return keys.filter((key): key is string => typeof key === 'string');
  }

  async clear(prefix: string): Promise<void> {
    assertPrefix(prefix, 'indexeddb clear');
    const range = prefix === '' ? undefined : this.#range(prefix, undefined);
    await this.#run('indexeddb clear', 'readwrite', (store) => {
      const done = transactionDone(store.transaction);
      if (range === undefined) store.clear();
      else if (range !== null) store.delete(range);
      return done;
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#store.close();
  }

  #check(context: string): void {
    if (this.#closed) throw new StowageError('closed', `${context}: the driver is closed`);
  }

  /** Key range of `prefix` after `after`; `null` when it is empty. */
  #range(prefix: string, after: string | undefined): IDBKeyRange | null {
    const KeyRange = this.#keyRange;
    if (KeyRange === undefined) throw new StowageError('unavailable', 'IndexedDB: IDBKeyRange is missing');
    const upper = prefixUpperBound(prefix);
    const open = after !== undefined && after >= prefix;
    const lower = open ? after : prefix;
    if (upper === undefined) return KeyRange.lowerBound(lower, open);
    if (lower >= upper) return null;
    return KeyRange.bound(lower, upper, open, true);
  }

  async #run<T>(
    context: string,
    mode: IDBTransactionMode,
    callback: (store: IDBObjectStore) => T | PromiseLike<T>,
    details?: Record<string, unknown>,
  ): Promise<T> {
    this.#check(context);
    try {
      return await this.#store.use(mode, callback);
    } catch (err) {
      if (this.#closed) throw new StowageError('closed', `${context}: the driver was closed`, { cause: err });
      throw toStowageError(err, context, details);
    }
  }
}
