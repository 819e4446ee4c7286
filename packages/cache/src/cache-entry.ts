import { StowageError } from '@stowage/core';
import type { SetOptions } from '@stowage/core';
import { checkTtl } from './options.js';

/**
 * What both tiers hold for a key. Freshness and retention are separate so stale-while-revalidate
 * can still find a value after its TTL: `t` says until when it is fresh, `k` until when it is kept
 * at all (the storage record's own expiry). JSON-only, like every stored value.
 */
export interface CacheEntry {
  /** The value (already JSON-normalized, so memory and storage hand out equal values). */
  v: unknown;
  /** Fresh until (epoch ms); `null` = always fresh. */
  t: number | null;
  /** Kept until (epoch ms); `null` = until deleted or evicted. */
  k: number | null;
}

/** Whether something read from storage is an entry this package wrote. */
export function isCacheEntry(x: unknown): x is CacheEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return 'v' in e && (e.t === null || typeof e.t === 'number') && (e.k === null || typeof e.k === 'number');
}

/** A `staleWhileRevalidate` option as a window in ms: 0 = off, Infinity = any age. */
export function staleWindow(option: unknown, name = 'staleWhileRevalidate'): number {
  if (option === undefined || option === false) return 0;
  if (option === true) return Infinity;
  if (typeof option === 'number' && option >= 0 && !Number.isNaN(option)) return option;
  throw new StowageError('invalid-argument', `${name} must be a boolean or a number of ms ≥ 0, got ${String(option)}`, { details: { option: name } });
}

/** Resolves a `ttl` option against the default: a number of ms or `null` (always fresh). */
export function resolveTtl(ttl: unknown, fallback: number | undefined): number | null {
  checkTtl(ttl, 'ttl');
  return ttl === undefined ? (fallback ?? null) : ttl;
}

/** The entry for a value written now. */
export function makeEntry(value: unknown, now: number, ttl: number | null, window: number): CacheEntry {
  const t = ttl === null ? null : now + ttl;
  const k = t === null || window === Infinity ? null : t + window;
  return { v: value, t, k };
}

export const isFresh = (e: CacheEntry, now: number): boolean => e.t === null || e.t > now;

/** Stale, but young enough for a read that accepts `window` ms of staleness. */
export const isServableStale = (e: CacheEntry, now: number, window: number): boolean =>
  window > 0 && e.t !== null && e.t + window > now && (e.k === null || e.k > now);

/** Storage `set` options that keep the record exactly as long as the entry. */
export const storageSetOptions = (e: CacheEntry): SetOptions => (e.k === null ? { ttl: null } : { expiresAt: e.k });

/** LRU `ttl` for the memory copy: what is left of the entry's retention. `undefined` = already gone. */
export function memoryTtl(e: CacheEntry, now: number): number | null | undefined {
  if (e.k === null) return null;
  const left = e.k - now;
  return left > 0 ? left : undefined;
}
