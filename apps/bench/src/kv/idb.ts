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
