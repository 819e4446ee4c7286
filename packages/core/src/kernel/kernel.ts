import type { Driver } from '../driver.js';
import { StowageError, toStowageError } from '../errors.js';
import { Emitter } from '../events.js';
import type { StorageEvent, StorageListener } from '../events.js';
import { systemClock } from '../ports.js';
import type { Clock } from '../ports.js';
import { isExpired, isStoredRecord } from '../record.js';
import { serializeValue } from '../serialize.js';
import type { StorageOp, UntypedSchema, ValidSchema } from '../schema.js';
import type { ScanEntry, SetOptions } from '../storage-types.js';
import { checkOptions, MAX_KEY_LENGTH, validateKey, validatePrefix } from '../validate.js';
import { register } from './context-of.js';
import { recordOf } from './records.js';
import { decodeChain, encodeRecord, entryInfo, NONE } from './read-write-stages.js';
import { scanEntries } from './scan.js';
import type { KernelOptions, Storage } from './kernel-types.js';
import type { KernelContext, Layer } from './layer.js';
import { driverOpener } from './open-driver.js';
import type { DriverOpener } from './open-driver.js';
import { WriteLane } from './write-lane.js';

/**
 * The kernel: keys namespaced by prefix, validation, the record envelope, writes of one tick
 * batched into one driver transaction with an answer per caller, reads that see earlier writes,
 * and change events. Every other feature is a {@link Layer}.
 *
 * `S` is the schema (key → value type), as for `createStorage<S>()`.
 *
 * @example
 * const kv = createKernel({ driver: indexedDbDriver(), prefix: 'app' });
 * await kv.set('user', { name: 'Ada' });
 */
export function createKernel<S extends ValidSchema<S> = UntypedSchema>(options: KernelOptions): Storage<S>;
/** An untyped kernel. Declared last so `ReturnType<typeof createKernel>` stays the untyped `Storage`. */
export function createKernel(options: KernelOptions): Storage;
export function createKernel(options: KernelOptions): Storage {
  // The kernel stores any JSON value under any key; a schema is the caller's compile-time view of it.
  return new Kernel(options);
}

class Kernel implements Storage {
  readonly prefix: string;
  readonly #dp: string;
  readonly #clock: Clock;
  readonly #maxKeyLength: number;
  readonly #layers: readonly Layer[];
  readonly #setOptions: string[];
  readonly #emitter = new Emitter<StorageEvent>();
  readonly #opener: DriverOpener;
  readonly #lane: WriteLane;
  #closing = false;
  #closed = false;

  constructor(o: KernelOptions) {
    this.prefix = o.prefix ?? 'stowage';
    validatePrefix(this.prefix);
    this.#dp = `${this.prefix}:`;
    const primary = o.driver;
    this.#clock = o.clock ?? systemClock;
    this.#maxKeyLength = o.maxKeyLength ?? MAX_KEY_LENGTH;
    this.#layers = o.layers ?? [];
    this.#setOptions = this.#layers.flatMap((l) => l.setOptions ?? []);
    this.#opener = driverOpener(primary, o.fallback, (mem, error) => {
      this.#lane.observe({ kind: 'fallback' });
      this.#emitter.emit({ type: 'fallback', from: primary.name, to: mem.name, error });
    });
    const ctx: Omit<KernelContext, 'closed'> = {
      prefix: this.prefix,
      dp: this.#dp,
      scope: primary.scope,
      clock: this.#clock,
      maxKeyLength: this.#maxKeyLength,
      driver: () => this.#opener.open(),
      exclusive: (what, fn) => this.#exclusive(what, fn),
      read: (what, fn) => this.#read(what, fn),
      background: (operation, fn) => {
        if (this.#closing) return;
        this.#lane.exclusive(async () => fn(await this.#opener.open()))
          .catch((e: unknown) => this.#emitter.emit({ type: 'error', operation, error: toStowageError(e, operation) }));
      },
      commit: (c) => this.#lane.commit(c),
      encode: (put) => encodeRecord(this.#layers, this.#clock, put),
      decode: async (key, record, raw, options) => decodeChain(this.#layers, key, record, raw, options ?? {}),
      recordOf,
      entryInfo: (key, record) => entryInfo(this.#layers, key, record),
      observe: (obs) => this.#lane.observe(obs),
      emit: (e) => this.#emitter.emit(e),
      layer: <L extends Layer>(name: string) => this.#layers.find((l) => l.name === name) as L | undefined,
    };
    Object.defineProperty(ctx, 'closed', { get: () => this.#closing });
    this.#lane = new WriteLane(this.#layers, this.#emitter, this.#opener, ctx as KernelContext);
    register(this, ctx as KernelContext);
  }

  #open(): void {
    if (this.#closed) throw new StowageError('closed', `storage "${this.prefix}" is closed`);
  }

  async #call<T>(what: string, fn: (d: Driver) => Promise<T>): Promise<T> {
    this.#open();
    try {
      return await fn(await this.#opener.open());
    } catch (e) {
      throw toStowageError(e, what);
    }
  }

  async #read<T>(what: string, fn: (d: Driver) => Promise<T>): Promise<T> {
    if (this.#lane.busy) await this.#lane.idle(); // read your own writes
    return this.#call(what, fn);
  }

  #exclusive<T>(what: string, fn: (d: Driver) => Promise<T>): Promise<T> {
    try {
      this.#open();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#lane.exclusive(() => this.#call(what, fn));
  }

  /** Decodes what is stored under `key`; `NONE` when absent or expired. */
  #value(key: string, raw: unknown): unknown {
    if (raw === undefined) return NONE;
    const record = recordOf(key, raw);
    const now = this.#clock.now();
    if (isExpired(record, now)) {
      for (const l of this.#layers) l.expired?.(key, raw, now);
      return NONE;
    }
    return decodeChain(this.#layers, key, record, raw, {});
  }

  /** Validates and serializes one write; layers' checks refuse what they must. */
  #put(key: unknown, value: unknown, options: SetOptions | undefined) {
    validateKey(key, this.#maxKeyLength);
    checkOptions(options, this.#setOptions, 'set');
    const put = { key, value: serializeValue(value, key), options };
    for (const l of this.#layers) l.check?.(put);
    return put;
  }

  ready(): Promise<void> {
    return this.#call('open', async () => undefined);
  }

  set(key: string, value: unknown, options?: SetOptions): Promise<void> {
    try {
      this.#open();
      const put = this.#put(key, value, options);
      return this.#lane.submit(async () => [{ type: 'put', key, record: await encodeRecord(this.#layers, this.#clock, put) }]);
    } catch (e) {
      return Promise.reject(toStowageError(e, 'set'));
    }
  }

  async get<T>(key: string, defaultValue?: T): Promise<T | undefined> {
    validateKey(key, this.#maxKeyLength);
    const v = await this.#read(`get "${key}"`, async (d) => this.#value(key, await d.get(this.#dp + key)));
    return v === NONE ? defaultValue : (v as T);
  }

  async getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    if (!Array.isArray(keys)) throw new StowageError('invalid-argument', 'getMany expects an array of keys');
    for (const k of keys) validateKey(k, this.#maxKeyLength);
    return this.#read('getMany', async (d) => {
      const raws = await d.getMany(keys.map((k) => this.#dp + k));
      const values = await Promise.all(raws.map((raw, i) => this.#value(keys[i] as string, raw)));
      return values.map((v) => (v === NONE ? undefined : (v as T)));
    });
  }

  setMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>, options?: SetOptions): Promise<void> {
    try {
      if (typeof entries !== 'object' || entries === null) throw new StowageError('invalid-argument', 'setMany expects an object or an iterable of [key, value]');
      const list = Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, unknown]>)] : Object.entries(entries);
      return this.batch(list.map(([key, value]) => (options ? { type: 'set', key, value, options } : { type: 'set', key, value })));
    } catch (e) {
      return Promise.reject(toStowageError(e, 'setMany'));
    }
  }

  remove(key: string): Promise<void> {
    return this.batch([{ type: 'remove', key }]);
  }

  batch(ops: readonly StorageOp[]): Promise<void> {
    try {
      this.#open();
      if (!Array.isArray(ops)) throw new StowageError('invalid-argument', 'batch expects an array of operations');
      const checked = ops.map((op: StorageOp, index) => {
        try {
          if (op?.type === 'set') return this.#put(op.key, op.value, op.options);
          if (op?.type === 'remove') {
            validateKey(op.key, this.#maxKeyLength);
            return op.key;
          }
          throw new StowageError('invalid-argument', `unknown operation type ${JSON.stringify((op as { type?: unknown })?.type)}`);
        } catch (e) {
          const err = toStowageError(e, 'batch');
          throw new StowageError(err.code, `batch operation ${index}: ${err.message}`, { cause: err, details: { ...err.details, index } });
        }
      });
      return this.#lane.submit(() =>
        Promise.all(checked.map(async (c) =>
          typeof c === 'string'
            ? { type: 'delete', key: c, reason: 'removed' } as const
            : { type: 'put', key: c.key, record: await encodeRecord(this.#layers, this.#clock, c) } as const,
        )),
      );
    } catch (e) {
      return Promise.reject(toStowageError(e, 'batch'));
    }
  }

  has(key: string): Promise<boolean> {
    try {
      validateKey(key, this.#maxKeyLength);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#read('has', async (d) => {
      const raw = await d.get(this.#dp + key);
      return raw !== undefined && !(isStoredRecord(raw) && isExpired(raw, this.#clock.now()));
    });
  }

  keys(): Promise<string[]> {
    return this.#read('keys', async (d) => {
      const now = this.#clock.now();
      return (await d.entries(this.#dp)).filter(([, raw]) => !(isStoredRecord(raw) && isExpired(raw, now))).map(([k]) => k.slice(this.#dp.length));
    });
  }

  scan<T = unknown>(): Promise<ScanEntry<T>[]> {
    return this.#read('scan', async (d) => scanEntries<T>(this.#layers, d.entries(this.#dp), this.#dp.length, this.#clock.now()));
  }

  clear(): Promise<void> {
    return this.#exclusive('clear', (driver) => this.#lane.commit({ driver, origin: 'local', changes: [], before: [], after: [], clear: true }));
  }

  subscribe(listener: StorageListener): () => void {
    if (typeof listener !== 'function') throw new StowageError('invalid-argument', 'subscribe expects a function');
    return this.#emitter.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true; // timers and background work stop queueing
    await this.#lane.idle();
    this.#closed = true;
    for (const l of this.#layers) await l.close?.();
    await (await this.#opener.opened())?.close();
  }
}
