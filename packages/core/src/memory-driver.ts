import type { Driver, DriverOp, EntriesOptions } from './driver.js';
import { assertKey, assertKeys, assertOps, assertPrefix, checkEntriesOptions, failedCheck } from './driver-args.js';
import { StowageError, toStowageError } from './errors.js';
import { pageKeys } from './key-order.js';

/** Options of {@link memoryDriver}. */
export interface MemoryDriverOptions {
  /** Distinguishes several memory stores in one page. @default 'default' */
  name?: string;
}

/**
 * A driver keeping values in a Map, cloned on the way in and out so callers never share state with
 * the store. Atomic, not persistent: the fallback when IndexedDB is unavailable, and the fast
 * backend of unit tests.
 */
export function memoryDriver(options: MemoryDriverOptions = {}): Driver {
  return new MemoryDriver(options.name ?? 'default');
}

class MemoryDriver implements Driver {
  readonly name = 'memory';
  readonly scope: string;
  readonly capabilities = { persistent: false, atomicBatch: true } as const;
  #data = new Map<string, unknown>();
  #closed = false;

  constructor(name: string) {
    this.scope = `memory:${name}`;
  }

  #check(): void {
    if (this.#closed) throw new StowageError('closed', 'memory driver is closed');
  }

  async open(): Promise<void> {
    this.#check();
  }

  async get(key: string): Promise<unknown> {
    this.#check();
    assertKey(key, 'memory get');
    const v = this.#data.get(key);
    return v === undefined ? undefined : structuredClone(v);
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    this.#check();
    assertKeys(keys, 'memory getMany');
    return keys.map((k) => {
      const v = this.#data.get(k);
      return v === undefined ? undefined : structuredClone(v);
    });
  }

  async batch(ops: readonly DriverOp[]): Promise<void> {
    this.#check();
    assertOps(ops, 'memory batch');
    // Clone everything first: a value that cannot be cloned fails the whole batch before any write.
    let staged: [DriverOp, unknown][];
    try {
      staged = ops.map((op) => [op, op.type === 'put' ? structuredClone(op.value) : undefined]);
    } catch (err) {
      throw toStowageError(err, 'memory batch');
    }
    // Checks see earlier ops of the same batch; a failed one leaves the store untouched.
    const overlay = new Map<string, unknown>();
    staged.forEach(([op, value], index) => {
      if (op.type !== 'check') overlay.set(op.key, value);
      else {
        const current = overlay.has(op.key) ? overlay.get(op.key) : this.#data.get(op.key);
        const err = failedCheck(op, current === undefined ? undefined : structuredClone(current), 'memory batch', index);
        if (err) throw err;
      }
    });
    for (const [op, value] of staged) {
      if (op.type === 'put') this.#data.set(op.key, value);
      else if (op.type === 'delete') this.#data.delete(op.key);
    }
  }

  async entries(prefix: string, options?: EntriesOptions): Promise<[string, unknown][]> {
    this.#check();
    assertPrefix(prefix, 'memory entries');
    return pageKeys(this.#data.keys(), prefix, checkEntriesOptions(options, 'memory entries')).map((k) => [k, structuredClone(this.#data.get(k))]);
  }

  async values(prefix: string, options?: EntriesOptions): Promise<unknown[]> {
    this.#check();
    assertPrefix(prefix, 'memory values');
    return pageKeys(this.#data.keys(), prefix, checkEntriesOptions(options, 'memory values')).map((k) => structuredClone(this.#data.get(k)));
  }

  async keys(prefix: string): Promise<string[]> {
    this.#check();
    assertPrefix(prefix, 'memory keys');
    return pageKeys(this.#data.keys(), prefix);
  }

  async clear(prefix: string): Promise<void> {
    this.#check();
    assertPrefix(prefix, 'memory clear');
    for (const k of pageKeys(this.#data.keys(), prefix)) this.#data.delete(k);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
