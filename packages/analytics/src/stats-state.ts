import { STOWAGE_ERROR_CODES } from '@stowage/core';
import type { StowageErrorCode } from '@stowage/core';
import { HotKeyTable } from './hot-keys.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { GrowthSample } from './stats-types.js';

/** Plain counters, all added up when states merge. */
export const COUNTERS = [
  'reads', 'hits', 'misses', 'writes', 'deletes', 'remoteWrites', 'remoteDeletes', 'expirations', 'clears', 'imports', 'fallbacks', 'bytesWritten',
] as const;
export type CounterName = (typeof COUNTERS)[number];

/** Cumulative counters of one attached cache. */
export interface CacheTotals {
  tiers: Record<string, { hits: number; misses: number }>;
  loads: number;
  loadErrors: number;
  staleHits: number;
  evictions: number;
}

/** Counters fed by sync events. */
export interface SyncTotals {
  pushes: number;
  pushedChanges: number;
  pulls: number;
  pulledDocs: number;
  conflicts: number;
  errors: number;
  other: Record<string, number>;
}

const SYNC_NUMBERS = ['pushes', 'pushedChanges', 'pulls', 'pulledDocs', 'conflicts', 'errors'] as const;
const CACHE_NUMBERS = ['loads', 'loadErrors', 'staleHits', 'evictions'] as const;

/** How key names in a state are written: as they are, or hashed with a salt. */
export type KeyMode = { mode: 'raw' } | { mode: 'hash'; salt: string };

/** The persisted snapshot. */
export interface Snapshot {
  format: 'stowage-analytics';
  version: 1;
  keys: KeyMode;
  since: number | null;
  counters: Record<CounterName, number>;
  errors: Partial<Record<StowageErrorCode, number>>;
  ops: Record<string, ReturnType<LatencyHistogram['toJSON']>>;
  hot: ReturnType<HotKeyTable['toJSON']>;
  growth: [at: number, sizeKb: number][];
  caches: Record<string, CacheTotals>;
  sync: SyncTotals;
}

// Records keyed by names from outside (event types, tier names) have no prototype, so a name such
// as "__proto__" is just a key.
export const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
export const emptyCache = (): CacheTotals => ({ tiers: dict(), loads: 0, loadErrors: 0, staleHits: 0, evictions: 0 });
const emptySync = (): SyncTotals => ({ pushes: 0, pushedChanges: 0, pulls: 0, pulledDocs: 0, conflicts: 0, errors: 0, other: dict() });
const addRecord = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
};

/**
 * Everything analytics counts, in a form two of which add up: the persisted totals (`base`) plus what
 * this tab recorded since its last write (`delta`). Tabs sharing a persisted key each add their delta
 * to what is stored, so none overwrites another's counts.
 */
export class StatsState {
  since: number | undefined;
  readonly counters = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<CounterName, number>;
  readonly errors = new Map<StowageErrorCode, number>();
  readonly ops = new Map<string, LatencyHistogram>();
  hot: HotKeyTable;
  growth: GrowthSample[] = [];
  readonly caches = new Map<string, CacheTotals>();
  readonly sync = emptySync();

  constructor(hotCapacity: number) {
    this.hot = new HotKeyTable(hotCapacity);
  }

  touch(now: number): void {
    if (this.since === undefined) this.since = now;
  }

  countError(code: StowageErrorCode): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  cache(name: string): CacheTotals {
    let c = this.caches.get(name);
    if (c === undefined) this.caches.set(name, (c = emptyCache()));
    return c;
  }

  /** `this` + `other` as a new state; `other`'s keys go through `mapKey`; growth keeps the newest `growthLimit` samples. */
  merged(other: StatsState, mapKey: (key: string) => string, growthLimit: number): StatsState {
    const out = new StatsState(this.hot.capacity);
    const firsts = [this.since, other.since].filter((x): x is number => x !== undefined);
    if (firsts.length) out.since = Math.min(...firsts);
    for (const c of COUNTERS) out.counters[c] = this.counters[c] + other.counters[c];
    for (const s of [this, other]) {
      for (const [code, n] of s.errors) out.errors.set(code, (out.errors.get(code) ?? 0) + n);
      for (const [op, h] of s.ops) {
        let o = out.ops.get(op);
        if (o === undefined) out.ops.set(op, (o = new LatencyHistogram()));
        o.add(h);
      }
      for (const [name, c] of s.caches) {
        const o = out.cache(name);
        for (const [tier, t] of Object.entries(c.tiers)) {
          const ot = (o.tiers[tier] ??= { hits: 0, misses: 0 });
          ot.hits += t.hits;
          ot.misses += t.misses;
        }
        for (const k of CACHE_NUMBERS) o[k] += c[k];
      }
      for (const k of SYNC_NUMBERS) out.sync[k] += s.sync[k];
      addRecord(out.sync.other, s.sync.other);
    }
    out.hot = this.hot.merged(other.hot, mapKey);
    out.growth = [...this.growth, ...other.growth].sort((a, b) => a.at - b.at).slice(-growthLimit);
    return out;
  }

  toJSON(keys: KeyMode): Snapshot {
    return {
      format: 'stowage-analytics',
      version: 1,
      keys,
      since: this.since ?? null,
      counters: { ...this.counters },
      errors: Object.fromEntries(this.errors),
      ops: Object.fromEntries([...this.ops].map(([op, h]) => [op, h.toJSON()])),
      hot: this.hot.toJSON(),
      growth: this.growth.map((g) => [g.at, g.sizeKb]),
      caches: Object.fromEntries([...this.caches].map(([n, c]) => [n, { ...c, tiers: Object.fromEntries(Object.entries(c.tiers).map(([t, v]) => [t, { ...v }])) }])),
      sync: { ...this.sync, other: Object.fromEntries(Object.entries(this.sync.other)) },
    };
  }

  /** Rebuilds a state from a snapshot; `undefined` when anything in it is malformed. */
  static fromJSON(j: unknown, hotCapacity: number): { state: StatsState; keys: KeyMode } | undefined {
    const o = j as Partial<Snapshot> | null;
    if (typeof o !== 'object' || o === null || o.format !== 'stowage-analytics' || o.version !== 1) return undefined;
    const keys = o.keys;
    if (!(keys?.mode === 'raw' || (keys?.mode === 'hash' && typeof keys.salt === 'string'))) return undefined;
    const hot = HotKeyTable.fromJSON(o.hot, hotCapacity);
    if (!hot || !isObject(o.counters) || !isObject(o.errors) || !isObject(o.ops) || !Array.isArray(o.growth) || !isObject(o.caches) || !isObject(o.sync)) return undefined;
    if (!(o.since === null || isCount(o.since))) return undefined;
    const s = new StatsState(hotCapacity);
    if (o.since !== null) s.since = o.since;
    for (const c of COUNTERS) {
      const n = (o.counters as Record<string, unknown>)[c];
      if (!isCount(n)) return undefined;
      s.counters[c] = n;
    }
    for (const [code, n] of Object.entries(o.errors)) {
      if (!STOWAGE_ERROR_CODES.includes(code as StowageErrorCode) || !isCount(n)) return undefined;
      s.errors.set(code as StowageErrorCode, n);
    }
    for (const [op, hj] of Object.entries(o.ops)) {
      const h = LatencyHistogram.fromJSON(hj);
      if (!h) return undefined;
      s.ops.set(op, h);
    }
    s.hot = hot;
    for (const g of o.growth as unknown[]) {
      if (!Array.isArray(g) || g.length !== 2 || !isCount(g[0]) || !isCount(g[1])) return undefined;
      s.growth.push({ at: g[0], sizeKb: g[1] });
    }
    for (const [name, c] of Object.entries(o.caches)) {
      if (!isObject(c) || !isObject(c.tiers) || !CACHE_NUMBERS.every((k) => isCount(c[k]))) return undefined;
      const t = s.cache(name);
      for (const k of CACHE_NUMBERS) t[k] = c[k] as number;
      for (const [tier, v] of Object.entries(c.tiers)) {
        if (!isObject(v) || !isCount(v.hits) || !isCount(v.misses)) return undefined;
        t.tiers[tier] = { hits: v.hits, misses: v.misses };
      }
    }
    const sy = o.sync as Record<string, unknown>;
    if (!SYNC_NUMBERS.every((k) => isCount(sy[k])) || !isObject(sy.other) || !Object.values(sy.other).every(isCount)) return undefined;
    for (const k of SYNC_NUMBERS) s.sync[k] = sy[k] as number;
    Object.assign(s.sync.other, sy.other);
    return { state: s, keys };
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
