import type { UseStore } from 'idb-keyval';
import { StowageError, toStowageError } from '@stowage/core';

/** Options of {@link createIdbStore}. */
export interface IdbStoreOptions {
  readonly dbName: string;
  readonly storeName: string;
  /** The factory to open databases with; `undefined` means IndexedDB is missing here. */
  readonly indexedDB: IDBFactory | undefined;
  /** Passed to every `db.transaction()`; `'default'` passes nothing. */
  readonly durability: IDBTransactionDurability;
  /** How long an open may stay pending (e.g. `blocked`) before it fails as `unavailable`. */
  readonly openTimeoutMs: number;
}

/** An idb-keyval {@link UseStore} that also exposes its connection's lifecycle. */
export interface IdbStore {
  /** Runs `callback` on the object store inside a new transaction of `txMode` (idb-keyval's shape). */
  readonly use: UseStore;
  /** Opens (or returns the cached) connection; rejects with a `StowageError`. */
  connect(): Promise<IDBDatabase>;
  /** Closes the connection for good; later calls reject with `closed`. */
  close(): void;
}

/**
 * A `UseStore`-compatible store function, written here instead of idb-keyval's `createStore`
 * because that one always uses the global `indexedDB` (no injected factory), passes no
 * `durability`, never closes on `versionchange` (so it blocks other tabs' upgrades), can hang
 * forever on `blocked`, and fails when the database exists without our object store.
 */
export function createIdbStore(options: IdbStoreOptions): IdbStore {
  const connection = new IdbConnection(options);
  return {
    use: (txMode, callback) => connection.use(txMode, callback),
    connect: () => connection.connect(),
    close: () => connection.close(),
  };
}

/** Attempts for an open aborted by the browser (see #openRetryingAborts). */
const OPEN_ATTEMPTS = 3;

function unavailable(message: string, cause?: unknown): StowageError {
  return new StowageError('unavailable', message, cause === undefined ? {} : { cause });
}

class IdbConnection {
  readonly #options: IdbStoreOptions;
  #pending: Promise<IDBDatabase> | undefined;
  #db: IDBDatabase | undefined;
  #closed = false;

  constructor(options: IdbStoreOptions) {
    this.#options = options;
  }

  connect(): Promise<IDBDatabase> {
    if (this.#closed) return Promise.reject(new StowageError('closed', 'IndexedDB store is closed'));
    if (this.#pending === undefined) {
      const pending = this.#openWithStore();
      this.#pending = pending;
      // A failed open is not cached: the next call tries again (the block may be gone by then).
      pending.catch(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    }
    return this.#pending;
  }

  async use<T>(txMode: IDBTransactionMode, callback: (store: IDBObjectStore) => T | PromiseLike<T>): Promise<T> {
    let db = await this.connect();
    let tx: IDBTransaction;
    try {
      tx = this.#transaction(db, txMode);
    } catch (err) {
      // The browser may close the connection between open and use (versionchange, onclose, or
      // "clear site data"); InvalidStateError then means "stale handle", so reopen once.
      if (this.#closed || (err as { name?: unknown } | null)?.name !== 'InvalidStateError') throw err;
      this.#forget(db);
      db = await this.connect();
      tx = this.#transaction(db, txMode);
    }
    return callback(tx.objectStore(this.#options.storeName));
  }

  close(): void {
    this.#closed = true;
    this.#db?.close();
    this.#db = undefined;
    // An open still in flight is closed when it lands (see #openWithStore).
    this.#pending = undefined;
  }

  #transaction(db: IDBDatabase, txMode: IDBTransactionMode): IDBTransaction {
    const { storeName, durability } = this.#options;
    return durability === 'default'
      ? db.transaction(storeName, txMode)
      : db.transaction(storeName, txMode, { durability });
  }

  #forget(db: IDBDatabase): void {
    if (this.#db !== db) return;
    this.#db = undefined;
    this.#pending = undefined;
  }

  async #openWithStore(): Promise<IDBDatabase> {
    let db = await this.#openRetryingAborts();
    if (!db.objectStoreNames.contains(this.#options.storeName)) {
      // The database exists (another store of the same app created it) without our store: only
      // a version change may create one, so bump the version.
      const next = db.version + 1;
      db.close();
      db = await this.#open(next);
    }
    if (this.#closed) {
      db.close();
      throw new StowageError('closed', 'IndexedDB store was closed while opening');
    }
    db.onversionchange = () => {
      // Another tab (or deleteDatabase) wants to upgrade or delete: step aside instead of
      // blocking it; the next operation reopens.
      db.close();
      this.#forget(db);
    };
    // Fired when the browser closes the connection abnormally (storage cleared, disk error).
    db.onclose = () => this.#forget(db);
    this.#db = db;
    return db;
  }

  /**
   * Chromium aborts an open that races "clear site data" (or a deletion) with AbortError "The
   * connection was closed"; a moment later the same open succeeds, so retry that case briefly.
   */
  async #openRetryingAborts(): Promise<IDBDatabase> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#open(undefined);
      } catch (err) {
        const aborted = (err as { cause?: { name?: unknown } }).cause?.name === 'AbortError';
        if (!aborted || attempt >= OPEN_ATTEMPTS || this.#closed) throw err;
        await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
      }
    }
  }

  #open(version: number | undefined): Promise<IDBDatabase> {
    const { dbName, storeName, indexedDB: factory, openTimeoutMs } = this.#options;
    if (factory === undefined || typeof factory.open !== 'function') {
      return Promise.reject(unavailable('IndexedDB is not available in this environment'));
    }
    let request: IDBOpenDBRequest;
    try {
      request = version === undefined ? factory.open(dbName) : factory.open(dbName, version);
    } catch (err) {
      // Some private modes throw SecurityError (or InvalidStateError) from open() itself.
      return Promise.reject(unavailable(`IndexedDB open of '${dbName}' threw: ${describe(err)}`, err));
    }
    return new Promise<IDBDatabase>((resolve, reject) => {
      let settled = false;
      let blocked = false;
      const timer = setTimeout(() => {
        settled = true;
        const why = blocked ? 'is blocked by another connection' : 'did not finish';
        reject(unavailable(`IndexedDB open of '${dbName}' ${why} within ${openTimeoutMs} ms`));
      }, openTimeoutMs);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(storeName)) db.createObjectStore(storeName);
      };
      request.onblocked = () => {
        blocked = true;
      };
      request.onsuccess = () => {
        // An open that succeeds after we gave up must not linger and block other connections.
        if (settled) return request.result.close();
        settled = true;
        clearTimeout(timer);
        resolve(request.result);
      };
      request.onerror = (event) => {
        // Handled here; don't let it bubble as an uncaught error.
        event.preventDefault();
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const error = request.error;
        reject(
          error?.name === 'QuotaExceededError'
            ? toStowageError(error, `IndexedDB open of '${dbName}'`)
            : unavailable(`IndexedDB open of '${dbName}' failed: ${describe(error)}`, error),
        );
      };
    });
  }
}

function describe(err: unknown): string {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'name' in err)) {
    const { name, message } = err as { name: unknown; message?: unknown };
    return message ? `${String(name)}: ${String(message)}` : String(name);
  }
  return String(err);
}
