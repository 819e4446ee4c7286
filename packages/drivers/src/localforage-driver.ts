import { StowageError, toStowageError, failedCheck, compareKeys, pageKeys, assertKey, assertKeys, assertOps, assertPrefix, checkEntriesOptions, type Driver, type DriverOp, type EntriesOptions } from '@stowage/core';
import localforage from 'localforage';
import { decodeTagged, encodeTagged } from './tagged-json.js';

/** Options of {@link localforageDriver}. */
export interface LocalforageDriverOptions {
  /** localforage database name. @default 'stowage' */
  name?: string;
  /** localforage store name. @default 'kv' */
  storeName?: string;
  /**
   * localforage driver constant(s) to use, in order of preference, e.g.
   * `[localforage.INDEXEDDB, localforage.LOCALSTORAGE]`. @default localforage's own order
   */
  driver?: string | string[];
  /** A ready-made localforage instance; `name`, `storeName` and `driver` are then ignored. */
  instance?: LocalForage;
}

/** What we put into localforage: a structured-clone envelope, or tagged JSON text. */
type Envelope = { readonly v: unknown };

/**
 * A driver on localforage 1.10 (`localforage.createInstance`), for apps that already use it.
 *
 * **Batches are not atomic** (`atomicBatch: false`): localforage has no multi-key transaction, so
 * ops are applied one by one, in order. Values are checked (cloned, or serialized) before the
 * first write, so an unstorable value fails the batch with nothing written; but when a write
 * fails mid-batch (quota, a closed database) the ops before it STAY applied and the rest are not
 * applied. The error's `details.applied` says how many ops were written. `clear(prefix)` with a
 * non-empty prefix deletes key by key and may likewise stop half-way.
 *
 * Values are wrapped so `null` stays distinct from an absent key (localforage reports both as
 * `null`). With localforage's IndexedDB backend they are stored by structured clone; with its
 * string backends (localStorage, WebSQL) as tagged JSON, so `Uint8Array`s round-trip exactly.
 * `entries/keys` are sorted here, since localforage promises no order.
 *
 * `close()` only stops this driver: localforage offers no way to close its shared connection.
 *
 * @example
 * ```ts
 * const driver = localforageDriver({ name: 'app', driver: localforage.INDEXEDDB });
 * await driver.open();
 * ```
 */
export function localforageDriver(options: LocalforageDriverOptions = {}): Driver {
  const { name = 'stowage', storeName = 'kv', driver, instance } = options;
  for (const [option, value] of [['name', name], ['storeName', storeName]] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new StowageError('invalid-argument', `localforageDriver: ${option} must be a non-empty string`);
    }
  }
  const config = instance?.config() ?? { name, storeName };
  const create = (): LocalForage =>
    instance ?? localforage.createInstance({ name, storeName, ...(driver === undefined ? {} : { driver }) });
  return new LocalforageDriver(create, `localforage:${config.name ?? name}/${config.storeName ?? storeName}`);
}

class LocalforageDriver implements Driver {
  readonly name = 'localforage';
  readonly scope: string;
  readonly capabilities = { persistent: true, atomicBatch: false } as const;
  readonly #create: () => LocalForage;
  #ready: Promise<{ lf: LocalForage; json: boolean }> | undefined;
  #closed = false;

  constructor(create: () => LocalForage, scope: string) {
    this.#create = create;
    this.scope = scope;
  }

  async open(): Promise<void> {
    await this.#use('localforage open');
  }

  async get(key: string): Promise<unknown> {
    assertKey(key, 'localforage get');
    const { lf, json } = await this.#use('localforage get');
    const raw = await this.#call('localforage get', () => lf.getItem<unknown>(key), { key });
    return unwrap(raw, json, key);
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    assertKeys(keys, 'localforage getMany');
    const { lf, json } = await this.#use('localforage getMany');
    const raws = await this.#call('localforage getMany', () => Promise.all(keys.map((key) => lf.getItem<unknown>(key))));
    return raws.map((raw, i) => unwrap(raw, json, keys[i] as string));
  }

  async batch(ops: readonly DriverOp[]): Promise<void> {
    assertOps(ops, 'localforage batch');
    const { lf, json } = await this.#use('localforage batch');
    const staged = ops.map((op, index) => {
      try {
        return op.type === 'put' ? wrap(op.value, json) : null;
      } catch (err) {
        throw toStowageError(err, `localforage batch: ops[${index}] (key '${op.key}')`, { index, key: op.key, applied: 0 });
      }
    });
    // Not atomic: a check runs just before the ops after it, with no lock against other tabs.
    let applied = 0;
    for (const [index, op] of ops.entries()) {
      if (op.type === 'check') {
        const raw = await this.#call('localforage batch', () => lf.getItem<unknown>(op.key), { index, key: op.key, applied });
        const failed = failedCheck(op, unwrap(raw, json, op.key), 'localforage batch', index);
        if (failed) throw new StowageError('conflict', failed.message, { cause: failed.cause, details: { ...failed.details, applied } });
        continue;
      }
      const value = staged[index];
      await this.#call(
        'localforage batch',
        (): Promise<unknown> => (op.type === 'put' ? lf.setItem(op.key, value) : lf.removeItem(op.key)),
        { index, key: op.key, applied },
      );
      applied++;
    }
  }

  async entries(prefix: string, options?: EntriesOptions): Promise<[string, unknown][]> {
    assertPrefix(prefix, 'localforage entries');
    const { after, limit } = checkEntriesOptions(options, 'localforage entries');
    const { lf, json } = await this.#use('localforage entries');
    const found: [string, unknown][] = [];
    await this.#call('localforage entries', () =>
      // The iteratee must return undefined: any other value stops localforage's iteration.
      lf.iterate<unknown, void>((raw, key) => {
        if (key.startsWith(prefix) && (after === undefined || key > after)) found.push([key, raw]);
      }),
    );
    found.sort(([a], [b]) => compareKeys(a, b));
    const page = limit === undefined ? found : found.slice(0, limit);
    return page.map(([key, raw]) => [key, unwrap(raw, json, key)]);
  }

  async keys(prefix: string): Promise<string[]> {
    assertPrefix(prefix, 'localforage keys');
    const { lf } = await this.#use('localforage keys');
    return pageKeys(await this.#call('localforage keys', () => lf.keys()), prefix);
  }

  async clear(prefix: string): Promise<void> {
    assertPrefix(prefix, 'localforage clear');
    const { lf } = await this.#use('localforage clear');
    if (prefix === '') return this.#call('localforage clear', () => lf.clear());
    const keys = pageKeys(await this.#call('localforage clear', () => lf.keys()), prefix);
    for (const key of keys) await this.#call('localforage clear', () => lf.removeItem(key), { key });
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #use(context: string): Promise<{ lf: LocalForage; json: boolean }> {
    if (this.#closed) return Promise.reject(new StowageError('closed', `${context}: the driver is closed`));
    if (this.#ready === undefined) {
      const ready = this.#start();
      this.#ready = ready;
      ready.catch(() => {
        if (this.#ready === ready) this.#ready = undefined;
      });
    }
    return this.#ready;
  }

  async #start(): Promise<{ lf: LocalForage; json: boolean }> {
    let lf: LocalForage;
    try {
      lf = this.#create();
      await lf.ready();
    } catch (err) {
      // "No available storage method found." or a driver that failed to initialise.
      throw new StowageError('unavailable', `localforage open: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    // Only the IndexedDB backend stores structured clones; the others JSON-serialize values and
    // would mangle nested Uint8Arrays, so we hand them text.
    return { lf, json: lf.driver() !== localforage.INDEXEDDB };
  }

  async #call<T>(context: string, fn: () => Promise<T>, details?: Record<string, unknown>): Promise<T> {
    // Checked before every call, so a batch or clear that races close() stops at the next op.
    if (this.#closed) throw new StowageError('closed', `${context}: the driver is closed`, { details: details ?? {} });
    try {
      return await fn();
    } catch (err) {
      throw toStowageError(err, context, details);
    }
  }
}

function wrap(value: unknown, json: boolean): Envelope | string {
  // Cloning up front both validates the value and snapshots it: localforage writes it later,
  // after an await, when the caller may already have mutated it.
  return json ? encodeTagged(value) : { v: structuredClone(value) };
}

function unwrap(raw: unknown, json: boolean, key: string): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (json && typeof raw === 'string') {
    try {
      return decodeTagged(raw);
    } catch (err) {
      throw toStowageError(err, `localforage '${key}'`, { key });
    }
  }
  if (!json && typeof raw === 'object' && Object.hasOwn(raw, 'v')) return (raw as Envelope).v;
  throw new StowageError('decode-failed', `localforage '${key}': not written by Stowage`, { details: { key } });
}
