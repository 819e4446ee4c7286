import { StowageError, systemClock } from '@stowage/core';
import type { Clock, Storage } from '@stowage/core';

/** The memory tier a data manager can use: `createLruCache()` from @stowage/cache fits. */
export interface MemoryTier {
  get(key: string): unknown;
  set(key: string, value: unknown, options?: { ttl?: number | null }): unknown;
  delete(key: string): unknown;
}

/** The cloud tier: where values come from when neither memory nor local storage has them. */
export interface CloudTier {
  get(key: string): Promise<unknown>;
  /** Writes a value to the cloud (for `set(..., { syncToCloud: true })` without a synced namespace). */
  set?(key: string, value: unknown): Promise<void>;
}

/** Options of `get`. */
export interface DataGetOptions {
  /** @default true */ useCache?: boolean;
  /** @default true */ useLocal?: boolean;
  /** @default true when a cloud tier is configured */ useCloud?: boolean;
  /** TTL (ms) for back-filled copies. @default DataManagerOptions.cacheTime */
  cacheTime?: number;
  /** Skip memory and local storage: read the cloud and refresh both. @default false */
  forceRefresh?: boolean;
}

/** Options of `set`. */
export interface DataSetOptions {
  /** @default true */ syncToLocal?: boolean;
  /** Also write to the cloud tier (with a synced storage, local writes reach the cloud anyway). @default false */
  syncToCloud?: boolean;
  cacheTime?: number;
}

/** Options of {@link createDataManager}. */
export interface DataManagerOptions {
  storage?: Storage;
  memory?: MemoryTier;
  cloud?: CloudTier;
  /** Default TTL (ms) of back-filled copies; `undefined` = no expiry. */
  cacheTime?: number;
  clock?: Clock;
}

/** A tiered reader/writer: memory → local storage → cloud, back-filling the faster tiers. */
export interface DataManager {
  get<T = unknown>(key: string, options?: DataGetOptions): Promise<T | undefined>;
  set(key: string, data: unknown, options?: DataSetOptions): Promise<void>;
  /** Loads keys into the faster tiers; resolves to per-key success. */
  preload(keys: readonly string[], options?: DataGetOptions): Promise<{ key: string; ok: boolean; error?: StowageError }[]>;
}

/**
 * Creates the tiered data manager (the seed's DataManager). With a storage whose namespace is
 * synced by `createSync`, `syncToLocal` is enough for a write to reach the cloud through the
 * outbox; `cloud.set` is for apps without a synced namespace.
 */
export function createDataManager(options: DataManagerOptions): DataManager {
  const { storage, memory, cloud } = options;
  if (!storage && !memory && !cloud) throw new StowageError('invalid-argument', 'createDataManager needs at least one tier');
  const clock = options.clock ?? systemClock;
  const ttlOf = (o?: { cacheTime?: number }): number | undefined => o?.cacheTime ?? options.cacheTime;
  const fill = async (key: string, value: unknown, tiers: { memory: boolean; local: boolean }, ttl: number | undefined): Promise<void> => {
    if (tiers.memory) memory?.set(key, value, { ttl: ttl ?? null });
    if (tiers.local && storage) await storage.set(key, value, ttl === undefined ? {} : { expiresAt: clock.now() + ttl });
  };
  const get = async <T>(key: string, o: DataGetOptions = {}): Promise<T | undefined> => {
    const useCache = o.useCache ?? true;
    const useLocal = o.useLocal ?? true;
    const useCloud = o.useCloud ?? cloud !== undefined;
    const ttl = ttlOf(o);
    if (!o.forceRefresh) {
      if (useCache && memory) {
        const v = memory.get(key);
        if (v !== undefined) return v as T;
      }
      if (useLocal && storage) {
        const v = await storage.get(key);
        if (v !== undefined) {
          if (useCache) memory?.set(key, v, { ttl: ttl ?? null });
          return v as T;
        }
      }
    }
    if (!useCloud || !cloud) return undefined;
    const v = await cloud.get(key);
    if (v !== undefined) await fill(key, v, { memory: useCache, local: useLocal }, ttl);
    return v as T | undefined;
  };
  return {
    get,
    async set(key, data, o = {}) {
      const ttl = ttlOf(o);
      if (o.syncToLocal ?? true) await fill(key, data, { memory: false, local: true }, ttl);
      memory?.set(key, data, { ttl: ttl ?? null });
      if (o.syncToCloud) {
        if (!cloud?.set) throw new StowageError('invalid-argument', 'syncToCloud needs a cloud tier with set()');
        await cloud.set(key, data);
      }
    },
    async preload(keys, o) {
      return Promise.all(keys.map(async (key) => {
        try {
          return { key, ok: (await get(key, o)) !== undefined };
        } catch (e) {
          return { key, ok: false, error: e instanceof StowageError ? e : new StowageError('internal', String(e), { cause: e }) };
        }
      }));
    },
  };
}
