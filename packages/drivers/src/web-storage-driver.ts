import { StowageError, isStowageError, toStowageError, failedCheck, pageKeys, assertKey, assertKeys, assertOps, assertPrefix, checkEntriesOptions, type Driver, type DriverOp, type EntriesOptions } from '@stowage/core';
import { decodeTagged, encodeTagged } from './tagged-json.js';

/** The part of the Web Storage `Storage` interface this driver uses. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/** Options of {@link webStorageDriver}. */
export interface WebStorageDriverOptions {
  /** `localStorage`, `sessionStorage` or any `Storage`-like object. @default globalThis.localStorage */
  storage?: StorageLike;
  /** Every key this driver writes starts with it; keys outside it are never read or touched. @default 'stowage:' */
  keyPrefix?: string;
  /**
   * Whether data survives a reload. @default false for `globalThis.sessionStorage` (detected by
   * identity), true otherwise
   */
  persistent?: boolean;
}

/**
 * A driver over Web Storage (`localStorage`/`sessionStorage`), for pages where IndexedDB is not an
 * option. Values are stored as tagged JSON (see `tagged-json.ts`): plain objects, arrays,
 * strings, numbers, booleans, null, `Uint8Array` (base64), `Date`, `bigint` and `undefined`
 * round-trip exactly; other types are refused with `invalid-argument`.
 *
 * `batch()` is atomic: every value is serialized before the first write, and when a write fails
 * (typically `QuotaExceededError` at the ~5 MB limit) the ops already applied are rolled back from
 * their saved previous values before the batch rejects with `quota-exceeded`.
 *
 * Web Storage is synchronous and small: `entries/keys/clear` scan every key of the storage.
 *
 * @example
 * ```ts
 * const driver = webStorageDriver({ storage: sessionStorage, keyPrefix: 'app:' });
 * await driver.batch([{ type: 'put', key: 'draft', value: { text: 'hi', bytes: new Uint8Array([1]) } }]);
 * ```
 */
export function webStorageDriver(options: WebStorageDriverOptions = {}): Driver {
  const { keyPrefix = 'stowage:' } = options;
  if (typeof keyPrefix !== 'string') {
    throw new StowageError('invalid-argument', 'webStorageDriver: keyPrefix must be a string');
  }
  const session = options.storage !== undefined && options.storage === sessionStorageOrUndefined();
  const persistent = options.persistent ?? !session;
  const kind = options.storage === undefined ? 'local' : session ? 'session' : options.storage === localStorageOrUndefined() ? 'local' : 'custom';
  return new WebStorageDriver(options.storage, keyPrefix, persistent, `web-storage:${kind}/${keyPrefix}`);
}

// Reading these globals throws SecurityError where storage is blocked (sandboxed iframes, some
// privacy settings); detection must not crash, so failures mean "not that storage".
function sessionStorageOrUndefined(): unknown {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

function localStorageOrUndefined(): unknown {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

class WebStorageDriver implements Driver {
  readonly name = 'web-storage';
  readonly scope: string;
  readonly capabilities: { readonly persistent: boolean; readonly atomicBatch: true };
  readonly #given: StorageLike | undefined;
  readonly #prefix: string;
  #storage: StorageLike | undefined;
  #closed = false;

  constructor(storage: StorageLike | undefined, keyPrefix: string, persistent: boolean, scope: string) {
    this.#given = storage;
    this.#prefix = keyPrefix;
    this.capabilities = { persistent, atomicBatch: true };
    this.scope = scope;
  }

  async open(): Promise<void> {
    this.#use('web storage open');
  }

  async get(key: string): Promise<unknown> {
    assertKey(key, 'web storage get');
    const storage = this.#use('web storage get');
    return this.#read(storage, key, 'web storage get');
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    assertKeys(keys, 'web storage getMany');
    const storage = this.#use('web storage getMany');
    return keys.map((key) => this.#read(storage, key, 'web storage getMany'));
  }

  async batch(ops: readonly DriverOp[]): Promise<void> {
    assertOps(ops, 'web storage batch');
    const storage = this.#use('web storage batch');
    // Serialize everything first: a value we cannot store fails the batch before any write.
    const staged = ops.map((op, index) => {
      try {
        return { op, key: this.#prefix + op.key, text: op.type === 'put' ? encodeTagged(op.value) : null };
      } catch (err) {
        throw toStowageError(err, `web storage batch: ops[${index}] (key '${op.key}')`, { index, key: op.key });
      }
    });
    const undo: { key: string; previous: string | null }[] = [];
    let index = 0;
    try {
      // One synchronous run: no other code of this page runs between a check and the writes.
      for (const { op, key, text } of staged) {
        if (op.type === 'check') {
          const failed = failedCheck(op, this.#read(storage, op.key, 'web storage batch'), 'web storage batch', index);
          if (failed) throw failed;
        } else {
          undo.push({ key, previous: storage.getItem(key) });
          if (text === null) storage.removeItem(key);
          else storage.setItem(key, text);
        }
        index++;
      }
    } catch (err) {
      this.#rollBack(storage, undo, err);
      if (isStowageError(err, 'conflict')) throw err;
      throw toStowageError(err, 'web storage batch', { index, key: ops[index]?.key });
    }
  }

  async entries(prefix: string, options?: EntriesOptions): Promise<[string, unknown][]> {
    assertPrefix(prefix, 'web storage entries');
    const page = checkEntriesOptions(options, 'web storage entries');
    const storage = this.#use('web storage entries');
    const keys = pageKeys(this.#allKeys(storage, 'web storage entries'), prefix, page);
    return keys.map((key) => [key, this.#read(storage, key, 'web storage entries')]);
  }

  async keys(prefix: string): Promise<string[]> {
    assertPrefix(prefix, 'web storage keys');
    const storage = this.#use('web storage keys');
    return pageKeys(this.#allKeys(storage, 'web storage keys'), prefix);
  }

  async clear(prefix: string): Promise<void> {
    assertPrefix(prefix, 'web storage clear');
    const storage = this.#use('web storage clear');
    const keys = pageKeys(this.#allKeys(storage, 'web storage clear'), prefix);
    try {
      // removeItem cannot hit the quota, so this cannot stop half-way on its own.
      for (const key of keys) storage.removeItem(this.#prefix + key);
    } catch (err) {
      throw toStowageError(err, 'web storage clear');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#storage = undefined;
  }

  /** The storage, checked usable; throws `closed` or `unavailable`. */
  #use(context: string): StorageLike {
    if (this.#closed) throw new StowageError('closed', `${context}: the driver is closed`);
    if (this.#storage !== undefined) return this.#storage;
    let storage: StorageLike | undefined;
    try {
      storage = this.#given ?? globalThis.localStorage;
      // Touch it once: blocked storage throws SecurityError on first access.
      void storage.length;
    } catch (err) {
      throw new StowageError('unavailable', `${context}: Web Storage is blocked`, { cause: err });
    }
    for (const method of ['getItem', 'setItem', 'removeItem', 'key'] as const) {
      if (typeof storage?.[method] !== 'function') {
        throw new StowageError('unavailable', `${context}: Web Storage is not available (no ${method})`);
      }
    }
    this.#storage = storage;
    return storage;
  }

  #read(storage: StorageLike, key: string, context: string): unknown {
    let text: string | null;
    try {
      text = storage.getItem(this.#prefix + key);
    } catch (err) {
      throw toStowageError(err, context, { key });
    }
    if (text === null) return undefined;
    try {
      return decodeTagged(text);
    } catch (err) {
      throw toStowageError(err, `${context} '${key}'`, { key });
    }
  }

  /** Our keys (without `keyPrefix`), unsorted. */
  #allKeys(storage: StorageLike, context: string): string[] {
    const out: string[] = [];
    try {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key !== null && key.startsWith(this.#prefix)) out.push(key.slice(this.#prefix.length));
      }
    } catch (err) {
      throw toStowageError(err, context);
    }
    return out;
  }

  #rollBack(storage: StorageLike, undo: readonly { key: string; previous: string | null }[], cause: unknown): void {
    try {
      // Newest first, so a key written twice in the batch ends at its value from before the batch.
      for (const { key, previous } of [...undo].reverse()) {
        if (previous === null) storage.removeItem(key);
        else storage.setItem(key, previous);
      }
    } catch (err) {
      // Restoring can only re-add bytes that fitted before, so this needs a concurrent writer.
      throw new StowageError('internal', 'web storage batch failed and could not be rolled back', {
        cause: err,
        details: { original: cause },
      });
    }
  }
}
