import { StowageError } from '@stowage/core';
import type { EvictListener, EvictionReason, LruCache, LruCacheOptions, LruSetOptions, LruStats } from './lru-types.js';
import { checkFunction, checkOptions, checkPositive, checkTtl } from './options.js';
import { reportError } from './report-error.js';
import { SampledTime } from './sampled-time.js';
import { SlotIndex } from './slot-index.js';

const OPTIONS = ['maxEntries', 'maxBytes', 'sizeOf', 'ttl', 'onEvict', 'clock'] as const;
const SET_OPTIONS = ['ttl'] as const;
/** Slot arrays start this small and double, so a large `maxEntries` costs nothing until it is used. */
const INITIAL_SLOTS = 64;
const NIL = -1;

/**
 * Creates an O(1) least-recently-used cache with per-entry TTL, a count limit and a byte budget.
 *
 * @example
 * ```ts
 * const cache = createLruCache<string, User>({ maxEntries: 500, ttl: 60_000 });
 * cache.set('ada', ada);
 * cache.set('session', token, { ttl: 5_000 }); // overrides the default TTL
 * cache.get('ada'); // → ada, now most recently used
 * ```
 */
export function createLruCache<K, V>(options: LruCacheOptions<K, V> = {}): LruCache<K, V> {
  return new Lru<K, V>(options);
}

/**
 * Entries live in parallel slot arrays linked into a doubly linked recency list by index (typed
 * arrays, no per-entry node objects), with an index from key to slot ({@link SlotIndex}: string keys
 * in a dictionary object, others in a Map): every operation but the walks is one lookup plus a few
 * array writes. Expiry times and sizes get arrays only once they are used.
 */
class Lru<K, V> implements LruCache<K, V> {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly #ttl: number | undefined;
  readonly #sizeOf: ((value: V, key: K) => number) | undefined;
  readonly #onEvict: EvictListener<K, V> | undefined;
  readonly #time: SampledTime;
  readonly #index = new SlotIndex<K>();
  #keys: (K | undefined)[] = [];
  #vals: (V | undefined)[] = [];
  #next: Int32Array;
  #prev: Int32Array;
  /** Absolute expiry per slot, 0 = never. Allocated on the first entry that expires. */
  #exp: Float64Array | undefined;
  #sizes: Float64Array | undefined;
  #cap: number;
  #fill = 0;
  #free: number[] = [];
  #head = NIL; // most recently used
  #tail = NIL; // least recently used
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(o: LruCacheOptions<K, V>) {
    checkOptions(o, OPTIONS, 'createLruCache');
    this.maxEntries = o.maxEntries ?? 1000;
    this.maxBytes = o.maxBytes ?? Infinity;
    checkPositive(this.maxEntries, 'maxEntries', true);
    checkPositive(this.maxBytes, 'maxBytes', true);
    if (this.maxEntries !== Infinity && !Number.isInteger(this.maxEntries)) {
      throw new StowageError('invalid-argument', `maxEntries must be an integer, got ${this.maxEntries}`, { details: { option: 'maxEntries' } });
    }
    if (this.maxEntries === Infinity && this.maxBytes === Infinity) {
      throw new StowageError('invalid-argument', 'an unbounded cache is a memory leak: give maxEntries or maxBytes', { details: { option: 'maxEntries' } });
    }
    checkFunction(o.sizeOf, 'sizeOf');
    checkFunction(o.onEvict, 'onEvict');
    if (this.maxBytes !== Infinity && o.sizeOf === undefined) {
      throw new StowageError('invalid-argument', 'maxBytes needs sizeOf to measure entries', { details: { option: 'sizeOf' } });
    }
    if (o.ttl !== undefined) checkPositive(o.ttl, 'ttl');
    this.#ttl = o.ttl;
    this.#sizeOf = o.sizeOf;
    this.#onEvict = o.onEvict;
    this.#time = new SampledTime(o.clock);
    // One slot more than maxEntries: a new entry is linked before the least recent one is evicted.
    this.#cap = Math.min(INITIAL_SLOTS, this.maxEntries + 1);
    this.#next = new Int32Array(this.#cap);
    this.#prev = new Int32Array(this.#cap);
    if (this.#sizeOf) this.#sizes = new Float64Array(this.#cap);
  }

  get size(): number {
    return this.#index.size;
  }

  get(key: K): V | undefined {
    const i = this.#index.get(key);
    if (i === undefined) {
      this.#misses++;
      return undefined;
    }
    if (this.#exp !== undefined && this.#expired(i)) {
      this.#misses++;
      this.#remove(i, 'expired');
      return undefined;
    }
    if (i !== this.#head) this.#toHead(i);
    this.#hits++;
    return this.#vals[i];
  }

  peek(key: K): V | undefined {
    const i = this.#index.get(key);
    if (i === undefined) return undefined;
    if (this.#exp !== undefined && this.#expired(i)) {
      this.#remove(i, 'expired');
      return undefined;
    }
    return this.#vals[i];
  }

  has(key: K): boolean {
    return this.peek(key) !== undefined;
  }

  set(key: K, value: V, options?: LruSetOptions): this {
    if (value === undefined) throw new StowageError('invalid-argument', 'cannot cache undefined (it reads as a miss); use delete()', { details: { key: String(key) } });
    let ttl = this.#ttl;
    if (options !== undefined) {
      checkOptions(options, SET_OPTIONS, 'set');
      checkTtl(options.ttl, 'ttl');
      if (options.ttl !== undefined) ttl = options.ttl ?? undefined;
    }
    const size = this.#sizeOf === undefined ? 0 : this.#measure(value, key);
    let i = this.#index.get(key);
    if (i === undefined) {
      i = this.#alloc();
      this.#keys[i] = key;
      this.#index.add(key, i);
      this.#link(i);
    } else {
      this.#bytes -= this.#sizes === undefined ? 0 : (this.#sizes[i] as number);
      if (i !== this.#head) this.#toHead(i);
    }
    this.#vals[i] = value;
    if (this.#sizes !== undefined) {
      this.#sizes[i] = size;
      this.#bytes += size;
    }
    if (ttl !== undefined) (this.#exp ?? this.#allocExp())[i] = this.#time.now() + ttl;
    else if (this.#exp !== undefined) this.#exp[i] = 0;
    // The new entry is the most recent and fits alone, so the loop stops before reaching it.
    while (this.#index.size > this.maxEntries || this.#bytes > this.maxBytes) this.#remove(this.#tail, 'capacity');
    return this;
  }

  delete(key: K): boolean {
    const i = this.#index.get(key);
    if (i === undefined) return false;
    const live = this.#exp === undefined || !this.#expired(i);
    this.#remove(i, live ? 'deleted' : 'expired');
    return live;
  }

  clear(): void {
    while (this.#tail !== NIL) this.#remove(this.#tail, 'deleted');
  }

  prune(): number {
    if (this.#exp === undefined) return 0;
    let n = 0;
    for (let i = this.#tail; i !== NIL; ) {
      const prev = this.#prev[i] as number;
      if (this.#expired(i)) {
        this.#remove(i, 'expired');
        n++;
      }
      i = prev;
    }
    return n;
  }

  keys(): K[] {
    const out: K[] = [];
    const now = this.#time.now();
    for (let i = this.#head; i !== NIL; i = this.#next[i] as number) {
      const e = this.#exp?.[i] ?? 0;
      if (e === 0 || e > now) out.push(this.#keys[i] as K);
    }
    return out;
  }

  stats(): LruStats {
    return { size: this.#index.size, bytes: this.#bytes, hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }

  // ── internals ──────────────────────────────────────────────────────────────

  #expired(i: number): boolean {
    const e = (this.#exp as Float64Array)[i] as number;
    return e !== 0 && e <= this.#time.now();
  }

  #measure(value: V, key: K): number {
    const size = (this.#sizeOf as (value: V, key: K) => number)(value, key);
    if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) {
      throw new StowageError('invalid-argument', `sizeOf returned ${String(size)}; expected a non-negative finite number`, { details: { key: String(key) } });
    }
    if (size > this.maxBytes) {
      throw new StowageError('too-large', `entry of ${size} bytes exceeds the cache's maxBytes of ${this.maxBytes}`, {
        details: { key: String(key), size, limit: this.maxBytes },
      });
    }
    return size;
  }

  #link(i: number): void {
    this.#prev[i] = NIL;
    this.#next[i] = this.#head;
    if (this.#head !== NIL) this.#prev[this.#head] = i;
    else this.#tail = i;
    this.#head = i;
  }

  #unlink(i: number): void {
    const p = this.#prev[i] as number;
    const n = this.#next[i] as number;
    if (p !== NIL) this.#next[p] = n;
    else this.#head = n;
    if (n !== NIL) this.#prev[n] = p;
    else this.#tail = p;
  }

  #toHead(i: number): void {
    this.#unlink(i);
    this.#link(i);
  }

  /** Unlinks slot `i`, frees it, then tells `onEvict` (the cache is consistent by then, so re-entry is safe). */
  #remove(i: number, reason: EvictionReason): void {
    const key = this.#keys[i] as K;
    const value = this.#vals[i] as V;
    this.#unlink(i);
    this.#index.remove(key);
    if (this.#sizes !== undefined) this.#bytes -= this.#sizes[i] as number;
    // Drop references so evicted values can be garbage collected.
    this.#keys[i] = undefined;
    this.#vals[i] = undefined;
    this.#free.push(i);
    if (reason !== 'deleted') this.#evictions++;
    if (this.#onEvict !== undefined) {
      try {
        this.#onEvict(key, value, reason);
      } catch (err) {
        reportError(err);
      }
    }
  }

  #alloc(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    if (this.#fill === this.#cap) this.#grow();
    return this.#fill++;
  }

  #grow(): void {
    this.#cap = Math.min(this.#cap * 2, this.maxEntries + 1);
    this.#next = copyInto(new Int32Array(this.#cap), this.#next);
    this.#prev = copyInto(new Int32Array(this.#cap), this.#prev);
    if (this.#exp !== undefined) this.#exp = copyInto(new Float64Array(this.#cap), this.#exp);
    if (this.#sizes !== undefined) this.#sizes = copyInto(new Float64Array(this.#cap), this.#sizes);
  }

  #allocExp(): Float64Array {
    this.#exp = new Float64Array(this.#cap);
    return this.#exp;
  }
}

function copyInto<T extends Int32Array | Float64Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
