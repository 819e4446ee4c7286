import type { Driver } from '../driver.js';
import { StowageError, toStowageError } from '../errors.js';
import { Emitter } from '../events.js';
import type { StorageEvent, StorageListener } from '../events.js';
import { systemClock } from '../ports.js';
import type { Clock } from '../ports.js';
import { isExpired, isStoredRecord } from '../record.js';
import type { StorageOp, UntypedSchema, ValidSchema } from '../schema.js';
import type { ScanEntry, SetOptions } from '../storage-types.js';
import { MAX_KEY_LENGTH, validateKey, validatePrefix } from '../validate.js';
import { register } from './context-of.js';
import { recordOf } from '../envelope.js';
import { checkFailed } from './records.js';
import { liveKeys } from './live-keys.js';
import { RecordFormat } from './record-format.js';
import { decodeChain, encodeRecord, entryInfo, NONE, valueOf } from './read-write-stages.js';
import { scanEntries } from './scan.js';
import type { KernelOptions, Storage } from './kernel-types.js';
import type { KernelContext, Layer, Operation } from './layer.js';
import { Operations } from './operations.js';
import { driverOpener } from './open-driver.js';
import type { DriverOpener } from './open-driver.js';
import { WriteLane } from './write-lane.js';
import { checkBatch, checkPut } from './write-checks.js';
import type { WriteRules } from './write-checks.js';

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
  readonly #rules: WriteRules;
  readonly #emitter = new Emitter<StorageEvent>();
  readonly #opener: DriverOpener;
  readonly #lane: WriteLane;
  readonly #ops: Operations;
  readonly #format: RecordFormat;
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
    this.#rules = { layers: this.#layers, setOptions: this.#layers.flatMap((l) => l.setOptions ?? []), maxKeyLength: this.#maxKeyLength };
    this.#ops = new Operations(this.#layers);
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
      // A whole-namespace function's steps and the layers' background writes are operations too.
      exclusive: (what, fn, key) => this.#ops.op(what, () => this.#exclusive(what, fn), key),
      read: (what, fn, key, keys) => this.#ops.op(what, () => this.#read(what, fn), key, keys),
      idle: () => this.#lane.idle(),
      background: (operation, fn) => {
        if (this.#closing) return;
        this.#lane.exclusive(() => this.#ops.op(operation, async () => fn(await this.#opener.open())))
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
      attach: (layer) => this.#ops.attach(layer),
      operation: (op, run) => this.#ops.run(op, run),
    };
    Object.defineProperty(ctx, 'closed', { get: () => this.#closing });
    this.#lane = new WriteLane(this.#layers, this.#emitter, this.#opener, ctx as KernelContext);
    const failed = (e: unknown): void => this.#emitter.emit({ type: 'error', operation: 'format', error: toStowageError(e, 'record format v2') });
    this.#format = new RecordFormat({
      prefix: this.prefix, dp: this.#dp, failed,
      lane: (fn) => void (this.#closing || this.#lane.exclusive(async () => fn(await this.#opener.open())).catch(failed)),
      foreign: (key, raw) => void Promise.resolve(valueOf(this.#layers, key, raw, this.#clock.now())).catch(() => undefined), // read as a get would: upgraded and rewritten by the layers
    });
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

  ready(): Promise<void> {
    return this.#call('open', async () => undefined);
  }

  set(key: string, value: unknown, options?: SetOptions): Promise<void> {
    return this.#ops.op('set', (op) => {
      try {
        this.#open();
        const put = checkPut(this.#rules, key, value, options);
        return this.#lane.submit(async () => {
          const record = await encodeRecord(this.#layers, this.#clock, put);
          if (op) op.size = record.size;
          return [{ type: 'put', key, record }];
        });
      } catch (e) {
        return Promise.reject(toStowageError(e, 'set'));
      }
    }, key);
  }

  get<T>(key: string, defaultValue?: T): Promise<T | undefined> {
    // Stages see `undefined` for a miss (no stored value is `undefined`), the caller its default.
    // No async wrapper of its own: the hot path keeps the promise hops it had before stages.
    const found = this.#ops.op('get', () => this.#get(key), key) as Promise<T | undefined>;
    return defaultValue === undefined ? found : found.then((v) => (v === undefined ? defaultValue : v));
  }

  async #get(key: string): Promise<unknown> {
    validateKey(key, this.#maxKeyLength);
    const v = await this.#read(`get "${key}"`, async (d) => {
      const raw = await d.get(this.#dp + key);
      this.#format.saw(key, raw);
      return valueOf(this.#layers, key, raw, this.#clock.now());
    });
    return v === NONE ? undefined : v;
  }

  getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    return this.#ops.op('getMany', async () => {
      if (!Array.isArray(keys)) throw new StowageError('invalid-argument', 'getMany expects an array of keys');
      for (const k of keys) validateKey(k, this.#maxKeyLength);
      return this.#read('getMany', async (d) => {
        const raws = await d.getMany(keys.map((k) => this.#dp + k));
        raws.forEach((raw, i) => this.#format.saw(keys[i] as string, raw));
        const now = this.#clock.now();
        const values = await Promise.all(raws.map((raw, i) => valueOf(this.#layers, keys[i] as string, raw, now)));
        return values.map((v) => (v === NONE ? undefined : (v as T)));
      });
    }, undefined, Array.isArray(keys) ? keys : undefined);
  }

  setMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>, options?: SetOptions): Promise<void> {
    return this.#ops.op('setMany', (op) => {
      try {
        if (typeof entries !== 'object' || entries === null) throw new StowageError('invalid-argument', 'setMany expects an object or an iterable of [key, value]');
        const list = Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, unknown]>)] : Object.entries(entries);
        return this.#batch(list.map(([key, value]) => (options ? { type: 'set', key, value, options } : { type: 'set', key, value })), op);
      } catch (e) {
        return Promise.reject(toStowageError(e, 'setMany'));
      }
    });
  }

  remove(key: string): Promise<void> {
    return this.#ops.op('remove', () => this.#batch([{ type: 'remove', key }]), key);
  }

  batch(ops: readonly StorageOp[]): Promise<void> {
    return this.#ops.op('batch', (op) => this.#batch(ops, op));
  }

  /** Validates every op first (one bad op refuses the batch), then commits them as one unit. */
  #batch(ops: readonly StorageOp[], op?: Operation): Promise<void> {
    try {
      this.#open();
      const checked = checkBatch(this.#rules, ops);
      if (op) op.count = checked.length;
      return this.#lane.submit(async () => {
        const changes = await Promise.all(checked.map(async (c) =>
          typeof c === 'string'
            ? { type: 'delete', key: c, reason: 'removed' } as const
            : { type: 'put', key: c.key, record: await encodeRecord(this.#layers, this.#clock, c) } as const,
        ));
        if (op) op.size = changes.reduce((n, c) => (c.type === 'put' ? n + c.record.size : n), 0);
        return changes;
      });
    } catch (e) {
      return Promise.reject(toStowageError(e, 'batch'));
    }
  }

  has(key: string): Promise<boolean> {
    return this.#ops.op('has', async () => {
      validateKey(key, this.#maxKeyLength);
      return this.#read('has', async (d) => {
        const raw = await d.get(this.#dp + key);
        return raw !== undefined && !(isStoredRecord(raw) && isExpired(raw, this.#clock.now()));
      });
    }, key);
  }

  keys(): Promise<string[]> {
    return this.#ops.op('keys', () => this.#read('keys', (d) => {
      const now = this.#clock.now();
      return liveKeys(d, {
        prefix: this.prefix, dp: this.#dp, now,
        expired: (key, raw) => this.#layers.forEach((l) => l.expired?.(key, raw, now)),
        // Markers are bookkeeping in the reserved key space: written in the lane, no operation of the app.
        upkeep: (ops) => {
          if (this.#closing) return;
          this.#lane.exclusive(async () => (await this.#opener.open()).batch(ops)).catch((e: unknown) => {
            // Written meanwhile (a failed check): the next keys() sees it; else an error event.
            if (!checkFailed(e)) this.#emitter.emit({ type: 'error', operation: 'keys', error: toStowageError(e, 'keys') });
          });
        },
      });
    }));
  }

  scan<T = unknown>(): Promise<ScanEntry<T>[]> {
    return this.#ops.op('scan', () => this.#read('scan', async (d) => scanEntries<T>(this.#layers, this.#format.rows(d), this.#clock.now())));
  }

  clear(): Promise<void> {
    return this.#ops.op('clear', () => this.#exclusive('clear', (driver) => this.#lane.commit({ driver, origin: 'local', changes: [], before: [], after: [], clear: true })));
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
