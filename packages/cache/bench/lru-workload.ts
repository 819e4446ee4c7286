import { seededRandom } from '@stowage/core';
// The LRU benchmark, one module for Node and Chromium: builds the workload of issue 3 (1M ops,
// 90 % get / 10 % set, 10k keys, capacity 1k, Zipf-skewed keys) and measures each contender on the
// very same op sequence. Bundled by bench/build-bench.mjs and run by lru.bench.mjs (Node); the
// `lru-cache` group of apps/bench runs the same contenders in headless Chromium.
import { LRUCache } from 'lru-cache';
import QuickLRU from 'quick-lru';
import { LRUCache as MnemonistLru } from 'mnemonist';
import { createLruCache } from '../src/index.js';
import { wrapLruCache } from './lru-cache-wrapper.js';

export interface Workload {
  ops: number;
  keyCount: number;
  capacity: number;
  getRatio: number;
  zipfS: number;
  seed: number;
  /** 0 = get, 1 = set, per op. */
  kinds: Uint8Array;
  /** Key index per op. */
  keyIdx: Uint32Array;
  keys: string[];
}

/** mulberry32 from core, so every run and every environment sees the same ops. */
const rng = seededRandom;

export function makeWorkload({ ops = 1_000_000, keyCount = 10_000, capacity = 1_000, getRatio = 0.9, zipfS = 1, seed = 42 } = {}): Workload {
  const rand = rng(seed);
  // Zipf: rank r has weight 1 / r^s; draw by binary search over the cumulative weights.
  const cdf = new Float64Array(keyCount);
  let total = 0;
  for (let r = 0; r < keyCount; r++) cdf[r] = total += 1 / Math.pow(r + 1, zipfS);
  // Ranks map to shuffled key ids so popularity is not correlated with insertion order.
  const perm = Array.from({ length: keyCount }, (_, i) => i);
  for (let i = keyCount - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
  }
  const kinds = new Uint8Array(ops);
  const keyIdx = new Uint32Array(ops);
  for (let i = 0; i < ops; i++) {
    kinds[i] = rand() < getRatio ? 0 : 1;
    const u = rand() * total;
    let lo = 0;
    let hi = keyCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    keyIdx[i] = perm[lo] as number;
  }
  const keys = Array.from({ length: keyCount }, (_, i) => `key:${i}`);
  return { ops, keyCount, capacity, getRatio, zipfS, seed, kinds, keyIdx, keys };
}

export interface GetSet {
  get(key: string): unknown;
  set(key: string, value: number): unknown;
}

/** A contender: how to build a cache of a capacity, and whether TTL is on. */
export interface Contender {
  name: string;
  ttl: boolean;
  create(capacity: number): GetSet;
}

const TTL = 60_000;

export const allContenders: Contender[] = [
  { name: '@stowage/cache createLruCache', ttl: true, create: (max) => createLruCache<string, number>({ maxEntries: max, ttl: TTL }) },
  { name: 'lru-cache', ttl: true, create: (max) => new LRUCache<string, number>({ max, ttl: TTL }) },
  { name: 'lru-cache wrapped to our API', ttl: true, create: (max) => wrapLruCache<string, number>({ maxEntries: max, ttl: TTL }) },
  { name: 'quick-lru', ttl: true, create: (max) => new QuickLRU<string, number>({ maxSize: max, maxAge: TTL }) },
  { name: '@stowage/cache createLruCache', ttl: false, create: (max) => createLruCache<string, number>({ maxEntries: max }) },
  { name: 'lru-cache', ttl: false, create: (max) => new LRUCache<string, number>({ max }) },
  { name: 'mnemonist LRUCache', ttl: false, create: (max) => new MnemonistLru<string, number>(max) },
];

/**
 * Each contender gets its own compiled loop (`new Function`), so call sites stay monomorphic and the
 * order in which contenders run cannot favour the first one's inline caches.
 */
export function compileLoop(): (c: GetSet, w: Workload) => number {
  return new Function('c', 'w', `
    const kinds = w.kinds, keyIdx = w.keyIdx, keys = w.keys, n = w.ops;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const k = keys[keyIdx[i]];
      if (kinds[i] === 0) { if (c.get(k) !== undefined) hits++; }
      else c.set(k, i);
    }
    return hits;
  `) as (c: GetSet, w: Workload) => number;
}

export interface Result {
  name: string;
  ttl: boolean;
  /** ops/s of every measured run. */
  runs: number[];
  median: number;
  /** Share of gets that hit (a sanity check: LRUs of one capacity should agree). */
  hitRate: number;
}

/** Runs every contender `runs` times (after one warm-up run each), rotating the order per round. */
export function runLruBench(options: { runs?: number; ops?: number; filter?: string; log?: (line: string) => void } = {}): { workload: Omit<Workload, 'kinds' | 'keyIdx' | 'keys'>; results: Result[] } {
  const runs = options.runs ?? 7;
  const w = makeWorkload(options.ops === undefined ? {} : { ops: options.ops });
  const gets = w.kinds.reduce((n, k) => n + (k === 0 ? 1 : 0), 0);
  const pattern = options.filter ? new RegExp(options.filter) : undefined;
  const contenders = allContenders.filter((c) => !pattern || pattern.test(`${c.name} ${c.ttl ? 'ttl' : 'nottl'}`));
  const loops = contenders.map(() => compileLoop());
  const results: Result[] = contenders.map((c) => ({ name: c.name, ttl: c.ttl, runs: [], median: 0, hitRate: 0 }));
  const once = (i: number): number => {
    const c = contenders[i] as Contender;
    const cache = c.create(w.capacity);
    const t0 = performance.now();
    const hits = (loops[i] as (c: GetSet, w: Workload) => number)(cache, w);
    const ms = performance.now() - t0;
    (results[i] as Result).hitRate = hits / gets;
    return w.ops / (ms / 1000);
  };
  for (let i = 0; i < contenders.length; i++) once(i); // warm-up: let the JIT settle
  for (let r = 0; r < runs; r++) {
    for (let j = 0; j < contenders.length; j++) {
      const i = (j + r) % contenders.length;
      (results[i] as Result).runs.push(once(i));
    }
    options.log?.(`round ${r + 1}/${runs} done`);
  }
  for (const res of results) {
    const sorted = [...res.runs].sort((a, b) => a - b);
    res.median = sorted[Math.floor(sorted.length / 2)] as number;
  }
  const { kinds: _k, keyIdx: _i, keys: _s, ...meta } = w;
  return { workload: meta, results };
}
