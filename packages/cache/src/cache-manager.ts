import { serializeValue, StowageError, systemClock, toStowageError, validateKey } from '@stowage/core';
import type { Clock, Storage } from '@stowage/core';
import { newCounters, statsOf } from './cache-counters.js';
import { isCacheEntry, isFresh, isServableStale, makeEntry, memoryTtl, resolveTtl, staleWindow, storageSetOptions } from './cache-entry.js';
import type { CacheEntry } from './cache-entry.js';
import type {
  CacheGetOptions, CacheManager, CacheManagerOptions, CacheSetOptions, CacheSource, CacheStats, Loader, WarmupOptions, WarmupResult,
} from './cache-manager-types.js';
import { copyOut } from './copy-out.js';
import { FillGuard } from './fill-guard.js';
import { HitRateWindow } from './hit-rate-window.js';
import type { FillTicket } from './fill-guard.js';
import type { LruCache } from './lru-types.js';
import { createMemoryTier } from './memory-tier.js';
import { checkBoolean, checkFunction, checkOptions, checkPositive, checkStorage } from './options.js';
import { reportError } from './report-error.js';
import { warmup } from './warmup.js';
import { watchStorage } from './watch-storage.js';

const OPTIONS = ['storage', 'namespace', 'memory', 'defaultTtl', 'clone', 'clock', 'onError', 'hitRate'] as const;
const GET_OPTIONS = ['loader', 'ttl', 'refresh', 'staleWhileRevalidate'] as const;

/**
 * Creates a read-through cache over two tiers: an in-memory LRU, then a namespace of a `Storage`
 * (persistent, shared by tabs), then your loader. Hits are back-filled into faster tiers,
 * concurrent misses of one key share a single loader call, and changes made by other tabs evict this
 * tab's memory copy.
 *
 * @example
 * ```ts
 * const cache = createCacheManager({ storage: createStorage({ driver: indexedDbDriver(), prefix: 'cache' }), defaultTtl: 60_000 });
 * const user = await cache.get(`user:${id}`, { loader: () => api.user(id), staleWhileRevalidate: 300_000 });
 * ```
 */
export function createCacheManager(options: CacheManagerOptions): CacheManager {
  return new Manager(options);
}

class Manager implements CacheManager {
  readonly namespace: string;
  readonly #storage: Storage;
  readonly #ns: string;
  readonly #memory: LruCache<string, CacheEntry>;
  readonly #defaultTtl: number | undefined;
  readonly #clone: boolean;
  readonly #clock: Clock;
  readonly #onError: (error: StowageError) => void;
  readonly #guard = new FillGuard();
  readonly #inflight = new Map<string, Promise<unknown>>();
  /** Keys this manager is writing to storage: their local `set` events are our own, not a change to react to. */
  readonly #writing = new Map<string, number>();
  readonly #unsubscribe: () => void;
  readonly #c = newCounters();
  readonly #hitRate: HitRateWindow | undefined;
  #closed = false;

  constructor(o: CacheManagerOptions) {
    checkOptions(o, OPTIONS, 'createCacheManager');
    checkStorage(o?.storage, 'createCacheManager');
    this.namespace = o.namespace ?? 'cache';
    if (typeof this.namespace !== 'string' || this.namespace === '' || this.namespace.includes('\u0000')) {
      throw new StowageError('invalid-argument', `namespace must be a non-empty string, got ${JSON.stringify(o.namespace)}`, { details: { option: 'namespace' } });
    }
    if (o.defaultTtl !== undefined) checkPositive(o.defaultTtl, 'defaultTtl');
    checkFunction(o.onError, 'onError');
    checkBoolean(o.clone, 'clone');
    checkOptions(o.memory, ['maxEntries', 'maxBytes', 'sizeOf'], 'createCacheManager memory');
    this.#storage = o.storage;
    this.#ns = `${this.namespace}:`;
    this.#defaultTtl = o.defaultTtl;
    this.#clone = o.clone ?? true;
    this.#clock = o.clock ?? systemClock;
    this.#onError = o.onError ?? reportError;
    this.#hitRate = o.hitRate === undefined ? undefined : new HitRateWindow(o.hitRate);
    this.#memory = createMemoryTier<CacheEntry>({ ...o.memory, clock: o.clock }, (e) => e.v);
    this.#unsubscribe = watchStorage(this.#storage, {
      key: (storageKey, e) => {
        if (!storageKey.startsWith(this.#ns)) return;
        const key = storageKey.slice(this.#ns.length);
        if (e.type === 'set' && e.source === 'local' && this.#writing.has(key)) return; // our own write
        this.#forget(key);
      },
      all: () => this.#forgetAll(),
    });
  }

  // ── reads ──────────────────────────────────────────────────────────────────

  get<T>(key: string, options?: CacheGetOptions<T>): Promise<T> {
    return this.#resolve(key, options).then(([value]) => value as T);
  }

  async #resolve(key: string, o: CacheGetOptions<unknown> = {}): Promise<[unknown, CacheSource]> {
    this.#open();
    validateKey(key);
    checkOptions(o, GET_OPTIONS, 'get');
    checkFunction(o.loader, 'loader');
    const window = staleWindow(o.staleWhileRevalidate);
    resolveTtl(o.ttl, this.#defaultTtl);
    const loader = o.loader;
    if (o.refresh !== undefined && typeof o.refresh !== 'boolean') throw new StowageError('invalid-argument', 'refresh must be a boolean', { details: { key } });
    if (o.refresh) {
      if (!loader) throw new StowageError('invalid-argument', 'refresh: true needs a loader', { details: { key } });
      return [copyOut(await this.#load(key, loader, o), this.#clone), 'loader'];
    }
    this.#c.gets++;
    const mem = this.#memory.get(key);
    if (mem !== undefined) {
      const served = this.#serve(key, mem, loader, o, window);
      if (served) {
        this.#c.memHits++;
        this.#hitRate?.record(true);
        return [copyOut(mem.v, this.#clone), 'memory'];
      }
    }
    this.#c.memMisses++;
    const ticket = this.#guard.begin(key);
    let stored: CacheEntry | undefined;
    try {
      stored = await this.#readStorage(key, loader !== undefined);
    } finally {
      this.#guard.end(ticket);
    }
    if (stored !== undefined && this.#serve(key, stored, loader, o, window)) {
      this.#c.stoHits++;
      this.#hitRate?.record(true);
      if (ticket.valid) this.#remember(key, stored);
      return [copyOut(stored.v, this.#clone), 'storage'];
    }
    this.#c.stoMisses++;
    this.#hitRate?.record(false); // refreshes never reach here: they are no gets
    if (!loader) return [undefined, 'none'];
    const value = await this.#load(key, loader, o);
    return [copyOut(value, this.#clone), value === undefined ? 'none' : 'loader'];
  }

  /** Whether `e` may answer this read; a servable stale entry also starts a background refresh. */
  #serve(key: string, e: CacheEntry, loader: Loader<unknown> | undefined, o: CacheGetOptions<unknown>, window: number): boolean {
    const now = this.#clock.now();
    if (isFresh(e, now)) return true;
    if (!loader || !isServableStale(e, now, window)) return false;
    this.#c.staleHits++;
    this.#load(key, loader, o).catch((err: unknown) => this.#onError(toStowageError(err, `refresh "${key}"`)));
    return true;
  }

  /** The storage entry, or `undefined`. With a loader to fall back on, a failed read is reported and counts as a miss. */
  async #readStorage(key: string, canFallBack: boolean): Promise<CacheEntry | undefined> {
    let raw: unknown;
    try {
      raw = await this.#storage.get(this.#ns + key);
    } catch (e) {
      const err = toStowageError(e, `cache read "${key}"`);
      if (!canFallBack) throw err;
      this.#onError(err);
      return undefined;
    }
    if (raw === undefined || isCacheEntry(raw)) return raw;
    this.#onError(new StowageError('decode-failed', `"${this.#ns}${key}" is not a cache entry; treated as a miss`, { details: { key } }));
    return undefined;
  }

  /** One loader call per key at a time; its value is written to both tiers unless the key changed meanwhile. */
  #load(key: string, loader: Loader<unknown>, o: CacheGetOptions<unknown>): Promise<unknown> {
    const running = this.#inflight.get(key);
    if (running) {
      this.#c.deduped++;
      return running;
    }
    const ticket = this.#guard.begin(key);
    const p = this.#runLoader(key, loader, o, ticket).finally(() => {
      this.#inflight.delete(key);
      this.#guard.end(ticket);
    });
    this.#inflight.set(key, p);
    return p;
  }

  async #runLoader(key: string, loader: Loader<unknown>, o: CacheGetOptions<unknown>, ticket: FillTicket): Promise<unknown> {
    this.#c.loads++;
    let value: unknown;
    try {
      value = await loader(key);
    } catch (e) {
      this.#c.loadErrors++;
      throw e instanceof StowageError ? e : new StowageError('unavailable', `loader failed for "${key}"`, { cause: e, details: { key } });
    }
    if (value === undefined) return undefined;
    const entry = makeEntry(serializeValue(value, key).value, this.#clock.now(), resolveTtl(o.ttl, this.#defaultTtl), staleWindow(o.staleWhileRevalidate));
    try {
      await this.#write(key, entry, ticket);
    } catch (e) {
      // The value is good and the callers get it; only caching it failed.
      this.#onError(toStowageError(e, `cache write "${key}"`));
      if (ticket.valid && !this.#closed) this.#remember(key, entry);
    }
    return entry.v;
  }

  // ── writes ─────────────────────────────────────────────────────────────────

  /** Storage first, then memory: a reader never sees memory ahead of storage, and our own storage event cannot evict the new copy. */
  async #write(key: string, entry: CacheEntry, ticket: FillTicket): Promise<void> {
    if (!ticket.valid || this.#closed) return;
    this.#writing.set(key, (this.#writing.get(key) ?? 0) + 1);
    try {
      await this.#storage.set(this.#ns + key, entry, storageSetOptions(entry));
    } finally {
      const n = (this.#writing.get(key) ?? 1) - 1;
      if (n === 0) this.#writing.delete(key);
      else this.#writing.set(key, n);
    }
    if (ticket.valid && !this.#closed) this.#remember(key, entry);
  }

  #remember(key: string, entry: CacheEntry): void {
    const ttl = memoryTtl(entry, this.#clock.now());
    try {
      if (ttl === undefined) this.#memory.delete(key);
      else this.#memory.set(key, entry, { ttl });
    } catch (e) {
      // Too large for the memory budget (or a sizeOf bug): the entry lives in storage only.
      this.#memory.delete(key);
      const err = toStowageError(e, `memory tier "${key}"`);
      if (err.code !== 'too-large') this.#onError(err);
    }
  }

  /** Drops the memory copy and cancels back-fills in flight for `key`. */
  #forget(key: string): void {
    this.#guard.invalidate(key);
    this.#memory.delete(key);
  }

  #forgetAll(): void {
    this.#guard.invalidateAll();
    this.#memory.clear();
  }

  async set(key: string, value: unknown, options?: CacheSetOptions): Promise<void> {
    this.#open();
    validateKey(key);
    checkOptions(options, ['ttl', 'staleWhileRevalidate'], 'set');
    const entry = makeEntry(serializeValue(value, key).value, this.#clock.now(), resolveTtl(options?.ttl, this.#defaultTtl), staleWindow(options?.staleWhileRevalidate));
    this.#forget(key);
    const ticket = this.#guard.begin(key);
    try {
      await this.#write(key, entry, ticket);
    } catch (e) {
      throw toStowageError(e, `cache set "${key}"`);
    } finally {
      this.#guard.end(ticket);
    }
  }

  async delete(key: string): Promise<void> {
    this.#open();
    validateKey(key);
    this.#forget(key);
    try {
      await this.#storage.remove(this.#ns + key);
    } catch (e) {
      throw toStowageError(e, `cache delete "${key}"`);
    }
  }

  async clear(): Promise<void> {
    this.#open();
    this.#forgetAll();
    try {
      const keys = (await this.#storage.keys()).filter((k) => k.startsWith(this.#ns));
      if (keys.length > 0) await this.#storage.batch(keys.map((k) => ({ type: 'remove', key: k })));
    } catch (e) {
      throw toStowageError(e, 'cache clear');
    }
    this.#forgetAll(); // values back-filled while the keys were listed
  }

  async warmup<T>(keys: readonly string[], loader: Loader<T>, options?: WarmupOptions): Promise<WarmupResult[]> {
    this.#open();
    return warmup(keys, loader, options, (key, o) => this.#resolve(key, o));
  }

  // ── stats, lifecycle ───────────────────────────────────────────────────────

  getStats(): CacheStats {
    return statsOf(this.#c, this.#memory.stats(), this.#hitRate?.current);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#forgetAll();
  }

  #open(): void {
    if (this.#closed) throw new StowageError('closed', `cache manager "${this.namespace}" is closed`);
  }
}
