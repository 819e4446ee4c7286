import { linkStorage, StowageError } from '@stowage/core';
import type { ScanEntry, SetOptions, Storage, StorageListener, StorageOp } from '@stowage/core';
import { AnalyticsImpl } from './analytics.js';
import { errorCode } from './error-code.js';
import type { Analytics } from './analytics-types.js';
import type { Outcome } from './stats-types.js';
import { registerWrapper } from './wrapped.js';

/** What a finished call adds to its log entry: outcome, reads and hits, the keys it read. */
interface Done {
  outcome: Outcome;
  reads?: number;
  hits?: number;
  readKeys?: readonly string[];
}

const OK: Done = { outcome: 'ok' };

/**
 * Wraps a storage in a layer that times every call and records it in `analytics` (operation, key,
 * written size, outcome, error code); it also attaches the storage's change events. The result is the
 * same `Storage` (with the same schema, for a typed one): every method delegates, values and errors pass through untouched (same objects,
 * same `StowageError`s). `ready`, `close` and `subscribe` are delegated untimed; the whole-namespace
 * functions (`storageInfo(wrapper)`, `exportData(wrapper)`, …) act on the storage, untimed.
 *
 * @example
 * ```ts
 * const storage = instrument(createStorage({ driver: indexedDbDriver() }), analytics);
 * ```
 */
export function instrument<S extends object>(storage: Storage<S>, analytics: Analytics): Storage<S>;
/** An untyped storage, instrumented. Declared last so `ReturnType<typeof instrument>` is the untyped `Storage`. */
export function instrument(storage: Storage, analytics: Analytics): Storage;
export function instrument(storage: Storage, analytics: Analytics): Storage {
  if (!(analytics instanceof AnalyticsImpl)) throw new StowageError('invalid-argument', 'instrument needs an analytics from createAnalytics()');
  if (typeof storage?.get !== 'function' || typeof storage.subscribe !== 'function') {
    throw new StowageError('invalid-argument', 'instrument needs a Storage (createStorage(...))');
  }
  const wrapper = new Instrumented(storage, analytics);
  registerWrapper(wrapper, storage);
  linkStorage(wrapper, storage); // storageInfo(wrapper), exportData(wrapper), … act on the storage (untimed)
  return wrapper; // it forwards keys and values as they are, so a typed storage's schema still holds
}

class Instrumented implements Storage {
  readonly #inner: Storage;
  readonly #a: AnalyticsImpl;
  readonly #timer: () => number;
  /** Keys with a write in flight → how many such writes. */
  readonly #pending = new Map<string, number>();
  /** Stored size of in-flight keys, from the commit's change event (emitted before the write resolves). */
  readonly #sizes = new Map<string, number>();

  constructor(inner: Storage, analytics: AnalyticsImpl) {
    this.#inner = inner;
    this.#a = analytics;
    this.#timer = analytics.timer;
    analytics.watchSizes(inner, (key, size) => {
      if (this.#pending.has(key)) this.#sizes.set(key, size);
    });
  }

  get prefix(): string {
    return this.#inner.prefix;
  }

  ready(): Promise<void> {
    return this.#inner.ready();
  }

  set(key: string, value: unknown, options?: SetOptions): Promise<void> {
    // The hot path, written out: no arrays or closures beyond the two promise handlers.
    const t0 = this.#timer();
    this.#begin(key);
    let p: Promise<void>;
    try {
      p = this.#inner.set(key, value, options);
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      () => this.#record('set', key, undefined, t0, 'ok', undefined, this.#end(key), OK),
      (e: unknown) => {
        this.#end(key);
        this.#record('set', key, undefined, t0, 'error', e, undefined, OK);
        throw e;
      },
    );
  }

  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T>(key: string, defaultValue: T): Promise<T>;
  get<T>(key: string, defaultValue?: T): Promise<T | undefined> {
    // The hot path, written out. Asked without the default so a miss can be told from a stored value equal to it.
    const t0 = this.#timer();
    let p: Promise<T | undefined>;
    try {
      p = this.#inner.get<T>(key);
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      (v) => {
        if (v === undefined) {
          this.#record('get', key, undefined, t0, 'miss', undefined, undefined, MISS);
          return defaultValue;
        }
        this.#record('get', key, undefined, t0, 'hit', undefined, undefined, HIT);
        return v;
      },
      (e: unknown) => {
        this.#record('get', key, undefined, t0, 'error', e, undefined, OK);
        throw e;
      },
    );
  }

  getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    const n = Array.isArray(keys) ? keys.length : undefined;
    return this.#time('getMany', undefined, n, () => this.#inner.getMany<T>(keys), (vs) => {
      const hits = vs.reduce((h: number, v) => (v === undefined ? h : h + 1), 0);
      return { outcome: 'ok', reads: vs.length, hits, readKeys: keys };
    });
  }

  setMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>, options?: SetOptions): Promise<void> {
    // An iterable can be read once: materialize it, so both the storage and the size lookup see it.
    const list = typeof entries === 'object' && entries !== null && Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, unknown]>)] : entries;
    const keys = Array.isArray(list) ? list.map((e: unknown) => (Array.isArray(e) ? String(e[0]) : '')) : typeof list === 'object' && list !== null ? Object.keys(list) : [];
    return this.#write('setMany', keys, () => this.#inner.setMany(list, options));
  }

  remove(key: string): Promise<void> {
    return this.#time('remove', key, undefined, () => this.#inner.remove(key));
  }

  has(key: string): Promise<boolean> {
    return this.#time('has', key, undefined, () => this.#inner.has(key), (found) => (found ? HIT : MISS));
  }

  keys(): Promise<string[]> {
    return this.#time('keys', undefined, undefined, () => this.#inner.keys());
  }

  clear(): Promise<void> {
    return this.#time('clear', undefined, undefined, () => this.#inner.clear());
  }

  batch(ops: readonly StorageOp[]): Promise<void> {
    const list = Array.isArray(ops) ? ops : [];
    const keys = list.flatMap((op: StorageOp) => (op?.type === 'set' && typeof op.key === 'string' ? [op.key] : []));
    return this.#write('batch', keys, () => this.#inner.batch(ops), list.length);
  }

  scan<T = unknown>(): Promise<ScanEntry<T>[]> {
    return this.#time('scan', undefined, undefined, () => this.#inner.scan<T>(), (entries) => ({
      outcome: 'ok', reads: entries.length, hits: entries.reduce((h: number, e) => (e.error ? h : h + 1), 0), readKeys: entries.map((e) => e.key),
    }));
  }

  subscribe(listener: StorageListener): () => void {
    return this.#inner.subscribe(listener);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** Marks a write of `key` in flight, so its change event's size is kept. */
  #begin(key: string): void {
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + 1);
  }

  /** Ends a write of `key`; its stored size if a change event reported one. */
  #end(key: string): number | undefined {
    const size = this.#sizes.get(key);
    const n = (this.#pending.get(key) ?? 1) - 1;
    if (n > 0) this.#pending.set(key, n);
    else {
      this.#pending.delete(key);
      this.#sizes.delete(key);
    }
    return size;
  }

  /** A timed multi-key write whose log entry carries the stored bytes its change events reported. */
  #write(op: string, keys: readonly string[], run: () => Promise<void>, count: number = keys.length): Promise<void> {
    for (const k of keys) this.#begin(k);
    const total = (): number | undefined => {
      let size: number | undefined;
      for (const k of keys) {
        const n = this.#end(k);
        if (n !== undefined) size = (size ?? 0) + n;
      }
      return size;
    };
    return this.#time(op, undefined, count, run, undefined, total);
  }

  /** Times `run`, records the outcome, and hands back exactly what `run` resolved or rejected with. */
  #time<T>(
    op: string, key: string | undefined, keys: number | undefined, run: () => Promise<T>, done: (v: T) => Done = () => OK, sizeOf?: () => number | undefined,
  ): Promise<T> {
    const t0 = this.#timer();
    let p: Promise<T>;
    try {
      p = run();
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      (v) => {
        const d = done(v);
        this.#record(op, key, keys, t0, d.outcome, undefined, sizeOf?.(), d);
        return v;
      },
      (e: unknown) => {
        sizeOf?.();
        this.#record(op, key, keys, t0, 'error', e, undefined, OK);
        throw e;
      },
    );
  }

  #record(op: string, key: string | undefined, keys: number | undefined, t0: number, outcome: Outcome, err: unknown, size: number | undefined, d: Done): void {
    const t1 = this.#timer();
    this.#a.recordOperation(this.#a.stamp(t1), op, key, keys, size, t1 - t0, outcome, outcome === 'error' ? errorCode(err) : undefined, d.reads ?? 0, d.hits ?? 0, d.readKeys);
  }
}

const HIT: Done = { outcome: 'hit', reads: 1, hits: 1 };
const MISS: Done = { outcome: 'miss', reads: 1, hits: 0 };
