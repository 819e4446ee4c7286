import { contextOf, inspect, linkStorage, systemClock } from '@stowage/core';
import type { Clock, EntryInfo, KernelContext, SetOptions, Storage, StorageOp, UntypedSchema } from '@stowage/core';
import { copyOut } from './copy-out.js';
import { FillGuard } from './fill-guard.js';
import { HitRateWindow } from './hit-rate-window.js';
import type { HitRateOptions } from './hit-rate-window.js';
import { createMemoryTier } from './memory-tier.js';
import type { LruCache, LruStats } from './lru-types.js';
import { checkBoolean, checkOptions, checkStorage } from './options.js';
import { watchStorage } from './watch-storage.js';

/** Options of {@link withMemoryCache}. */
export interface MemoryCacheOptions {
  /** @default 1000 */
  maxEntries?: number;
  /** Byte budget measured by `sizeOf`. @default Infinity */
  maxBytes?: number;
  /** Size of a value in bytes; required with `maxBytes`. */
  sizeOf?: (value: unknown, key: string) => number;
  /** Hand out copies, as the storage itself does, so callers cannot mutate the cached value. @default true */
  clone?: boolean;
  /** Must be the storage's clock, so memory copies expire with their records. @default systemClock */
  clock?: Clock;
  /** Warns when the memory tier's hit rate over the last `window` reads falls below `threshold`, and when it recovers (as the cache manager's). */
  hitRate?: HitRateOptions;
}

/** A `Storage` (of schema `S`) with a memory tier in front; `memoryStats()` tells how the tier does. */
export interface MemoryCachedStorage<S extends object = UntypedSchema> extends Storage<S> {
  memoryStats(): LruStats;
  /** Keys held in the memory tier, most recently used first (O(n); for dashboards and debugging). */
  memoryKeys(): string[];
  /** With the `hitRate` option: the memory tier's hit rate over the window's reads so far, and whether it is below the threshold. */
  recentHitRate(): { hitRate: number; gets: number; low: boolean } | undefined;
}

/**
 * Puts an LRU memory tier in front of any `Storage` and returns the same interface, so code (or
 * another layer, such as the mini-program mirror) can use it unchanged — a typed storage keeps its schema.
 *
 * Reads fill the tier with the value and its record's expiry; every write, delete, clear, import,
 * migration and change from another tab drops the affected copies first, so a read never returns
 * something the storage would not. Misses are not cached (a negative cache would need the same
 * invalidation for keys that do not exist yet, for little gain).
 *
 * @example
 * ```ts
 * const storage = withMemoryCache(createStorage({ driver: indexedDbDriver(), prefix: 'app' }), { maxEntries: 200 });
 * await storage.get('settings'); // IndexedDB once, then memory until it changes or expires
 * ```
 */
export function withMemoryCache<S extends object>(storage: Storage<S>, options?: MemoryCacheOptions): MemoryCachedStorage<S>;
/** An untyped storage with a memory tier. Declared last so `ReturnType<typeof withMemoryCache>` is the untyped one. */
export function withMemoryCache(storage: Storage, options?: MemoryCacheOptions): MemoryCachedStorage;
export function withMemoryCache(storage: Storage, options: MemoryCacheOptions = {}): MemoryCachedStorage {
  const layer = new MemoryCached(storage, options);
  // Members the layer does not define (metadata, export, events, sync hooks, whatever the Storage
  // interface gains later) go straight to the storage, bound to it; writes among them are still
  // seen through the storage's change events.
  const bound = new Map<PropertyKey, unknown>();
  const cached = new Proxy(layer, {
    get(target, prop) {
      const own = prop in target;
      const source: object = own ? target : storage;
      const value: unknown = Reflect.get(source, prop, source);
      if (typeof value !== 'function') return value;
      let fn = bound.get(prop);
      if (fn === undefined) bound.set(prop, (fn = (value as (...a: unknown[]) => unknown).bind(source)));
      return fn;
    },
    has: (target, prop) => prop in target || prop in storage,
  }) as unknown as MemoryCachedStorage;
  // exportData(cached), storageInfo(cached), … act on the storage; imports reach the tier as events.
  linkStorage(cached, storage);
  return cached;
}

/** The `Storage` methods that involve the memory tier (the proxy above forwards the rest). */
type Layered = 'get' | 'getMany' | 'has' | 'set' | 'setMany' | 'remove' | 'batch' | 'clear' | 'close';

class MemoryCached implements Pick<Storage, Layered> {
  readonly #inner: Storage;
  readonly #memory: LruCache<string, unknown>;
  readonly #guard = new FillGuard();
  readonly #clone: boolean;
  readonly #clock: Clock;
  readonly #unsubscribe: () => void;
  readonly #hitRate: HitRateWindow | undefined;
  /** The storage's kernel, told of the reads memory answers (its `operation` stages: analytics). */
  readonly #ctx: KernelContext | undefined;

  constructor(inner: Storage, o: MemoryCacheOptions) {
    checkStorage(inner, 'withMemoryCache');
    checkOptions(o, ['maxEntries', 'maxBytes', 'sizeOf', 'clone', 'clock', 'hitRate'], 'withMemoryCache');
    checkBoolean(o.clone, 'clone');
    this.#inner = inner;
    this.#clone = o.clone ?? true;
    this.#clock = o.clock ?? systemClock;
    this.#hitRate = o.hitRate === undefined ? undefined : new HitRateWindow(o.hitRate);
    const { hitRate: _hitRate, ...tier } = o;
    this.#memory = createMemoryTier<unknown>(tier, (v) => v);
    this.#unsubscribe = watchStorage(inner, { key: (key) => this.#forget(key), all: () => this.#forgetAll() });
    this.#ctx = kernelOf(inner);
  }

  /** A read memory answered (`value`), as an operation of the storage: observers count it like any other. */
  #answered<T>(name: string, key: string | undefined, keys: readonly string[] | undefined, value: T): Promise<T> | T {
    if (!this.#ctx) return value;
    return this.#ctx.operation(keys ? { name, keys } : { name, key: key as string }, () => Promise.resolve(value));
  }

  memoryStats(): LruStats {
    return this.#memory.stats();
  }

  memoryKeys(): string[] {
    return this.#memory.keys();
  }

  // ── reads through memory ───────────────────────────────────────────────────

  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T>(key: string, defaultValue: T): Promise<T>;
  async get<T>(key: string, defaultValue?: T): Promise<T | undefined> {
    const hit = typeof key === 'string' ? this.#memory.get(key) : undefined;
    this.#recordRead(hit !== undefined);
    if (hit !== undefined) return this.#answered('get', key, undefined, copyOut(hit, this.#clone) as T);
    const [value] = await this.#fill([key]);
    return value === undefined ? defaultValue : (value as T);
  }

  async getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    if (!Array.isArray(keys)) return this.#inner.getMany<T>(keys); // rejects with invalid-argument
    const out = new Array<T | undefined>(keys.length);
    const missing: number[] = [];
    const answered: string[] = [];
    const values: unknown[] = [];
    keys.forEach((k, i) => {
      const hit = typeof k === 'string' ? this.#memory.get(k) : undefined;
      this.#recordRead(hit !== undefined);
      if (hit === undefined) missing.push(i);
      else {
        out[i] = copyOut(hit, this.#clone) as T;
        answered.push(k);
        values.push(out[i]);
      }
    });
    // The keys memory answered are one read of those keys; the storage's own getMany reads the rest.
    if (answered.length > 0 && this.#ctx) await this.#answered('getMany', undefined, answered, values);
    if (missing.length > 0) {
      const values = await this.#fill(missing.map((i) => keys[i] as string));
      missing.forEach((i, j) => (out[i] = values[j] as T | undefined));
    }
    return out;
  }

  /** One read of a key for the hit-rate window: answered from memory, or not. */
  #recordRead(hit: boolean): void {
    this.#hitRate?.record(hit);
  }

  /** The memory tier's hit rate over the `hitRate` window (`undefined` without that option). */
  recentHitRate(): { hitRate: number; gets: number; low: boolean } | undefined {
    return this.#hitRate?.current;
  }

  /** Reads keys from the storage with their expiry, remembers those no write touched meanwhile. */
  async #fill(keys: string[]): Promise<unknown[]> {
    const tickets = keys.map((k) => this.#guard.begin(k));
    let values: unknown[];
    let infos: (EntryInfo | undefined)[];
    try {
      // inspect() reads metadata only (no decoding); it is how a copy learns when its record expires.
      [values, infos] = await Promise.all([
        keys.length === 1 ? this.#inner.get(keys[0] as string).then((v) => [v]) : this.#inner.getMany(keys),
        Promise.all(keys.map((k) => inspect(this.#inner, k))),
      ]);
    } finally {
      for (const t of tickets) this.#guard.end(t);
    }
    const now = this.#clock.now();
    return values.map((value, i) => {
      const info = infos[i];
      if (value === undefined || !info || !(tickets[i] as { valid: boolean }).valid) return value;
      const ttl = info.expiresAt === undefined ? null : info.expiresAt - now;
      if (ttl === null || ttl > 0) this.#remember(keys[i] as string, value, ttl);
      return copyOut(value, this.#clone);
    });
  }

  #remember(key: string, value: unknown, ttl: number | null): void {
    try {
      this.#memory.set(key, value, { ttl });
    } catch {
      // Larger than the memory budget (or a sizeOf bug): it stays a storage-only value.
      this.#memory.delete(key);
    }
  }

  async has(key: string): Promise<boolean> {
    if (typeof key === 'string' && this.#memory.has(key)) return this.#answered('has', key, undefined, true);
    return this.#inner.has(key);
  }

  // ── writes: drop the copies first, then delegate ───────────────────────────

  set(key: string, value: unknown, options?: SetOptions): Promise<void> {
    this.#forget(key);
    return this.#inner.set(key, value, options);
  }

  setMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>, options?: SetOptions): Promise<void> {
    if (typeof entries !== 'object' || entries === null) return this.#inner.setMany(entries, options);
    // Materialize once: an iterator read here for its keys would be empty for the storage.
    const list = Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, unknown]>)] : Object.entries(entries);
    for (const entry of list) if (Array.isArray(entry)) this.#forget(entry[0]);
    return this.#inner.setMany(list, options);
  }

  remove(key: string): Promise<void> {
    this.#forget(key);
    return this.#inner.remove(key);
  }

  batch(ops: readonly StorageOp[]): Promise<void> {
    if (Array.isArray(ops)) for (const op of ops) this.#forget((op as { key?: unknown } | null)?.key);
    return this.#inner.batch(ops);
  }

  clear(): Promise<void> {
    return this.#replacing(() => this.#inner.clear());
  }

  /** A clear may change any value: memory is dropped before, and again after (fills that raced it). */
  async #replacing<T>(fn: () => Promise<T>): Promise<T> {
    this.#forgetAll();
    try {
      return await fn();
    } finally {
      this.#forgetAll();
    }
  }

  #forget(key: unknown): void {
    if (typeof key !== 'string') return;
    this.#guard.invalidate(key);
    this.#memory.delete(key);
  }

  #forgetAll(): void {
    this.#guard.invalidateAll();
    this.#memory.clear();
  }

  // ── lifecycle (everything else reaches the storage through the proxy) ────

  async close(): Promise<void> {
    this.#unsubscribe();
    this.#forgetAll();
    await this.#inner.close();
  }
}

/** The kernel context of `storage`, or `undefined` for a storage no kernel made. */
function kernelOf(storage: Storage): KernelContext | undefined {
  try {
    return contextOf(storage);
  } catch {
    return undefined;
  }
}
