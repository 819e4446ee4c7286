/** Plain IndexedDB helpers: the "raw IndexedDB" contender and database clean-up share them. */

/** Resolves with a request's result, rejects with its error. */
export function requestDone<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves on `complete`, rejects on `abort`. */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('aborted', 'AbortError'));
  });
}

/** Opens (creating if needed) database `name` with one out-of-line-key object store `kv`. */
export function openKvDb(name: string): Promise<IDBDatabase> {
  const request = indexedDB.open(name);
  request.onupgradeneeded = () => request.result.createObjectStore('kv');
  return requestDone(request);
}

/**
 * Deletes a database. A delete that stays `blocked` means a connection was left open, which would
 * make the next case measure against a shared database: fail the run instead.
 */
export function deleteDb(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    const timer = setTimeout(() => reject(new Error(`deleting database "${name}" is blocked by an open connection`)), 10_000);
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(request.error);
    };
  });
}

/**
 * Reads `keys` in ONE read transaction, collecting results in `onsuccess` callbacks (no promise
 * per request): requests of one transaction succeed in order, so the last success means every
 * value is in, without waiting for the transaction's `complete` (one more round trip). `unwrap`
 * turns what the store holds into the value (a row's `v` for a keyPath store).
 */
export function getManyInOneTransaction(db: IDBDatabase, keys: readonly string[], unwrap: (stored: unknown) => unknown = (v) => v): Promise<unknown[]> {
  if (keys.length === 0) return Promise.resolve([]);
  const tx = db.transaction('kv');
  const store = tx.objectStore('kv');
  const out = new Array<unknown>(keys.length);
  return new Promise((resolve, reject) => {
    keys.forEach((k, i) => {
      const request = store.get(k);
      request.onsuccess = () => {
        out[i] = unwrap(request.result);
        if (i === keys.length - 1) resolve(out);
      };
    });
    tx.onabort = () => reject(tx.error);
  });
}

/** Runs `fn` on a new connection to database `name` (as at a page's start), closed after. */
export async function withFreshConnection<T>(open: (name: string) => Promise<IDBDatabase>, name: string, fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const fresh = await open(name);
  try {
    return await fn(fresh);
  } finally {
    fresh.close();
  }
}
