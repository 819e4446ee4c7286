/**
 * Latency of one operation in bounded memory, whatever the traffic: exact count, sum, min and max,
 * and a fixed log-linear histogram for percentiles. Values are counted in units of 0.1 µs; below 64
 * units each unit has its own bucket, above, every power of two is split into 32 buckets, so a
 * bucket's midpoint is within 1/64 (≈1.6 %) of any value in it. Values past 2^40 units (≈30 h) share
 * the last bucket.
 */

const UNITS_PER_MS = 10_000;
const SUB = 32;
const LINEAR = 2 * SUB;
const MAX_EXP = 39;
const BUCKETS = LINEAR + (MAX_EXP - 5) * SUB;
const MAX_UNITS = 2 ** (MAX_EXP + 1) - 1;

/** Bucket of a value in units. */
function bucketOf(units: number): number {
  if (units < LINEAR) return units;
  if (units < 0x80000000) {
    // Below 2^31 units (≈214 s), the common case: integer bit operations only.
    const e = 31 - Math.clz32(units);
    return LINEAR + (e - 6) * SUB + ((units >>> (e - 5)) - SUB);
  }
  const v = Math.min(units, MAX_UNITS);
  const exp = v < 2 ** 32 ? 31 - Math.clz32(v) : 63 - Math.clz32(Math.floor(v / 2 ** 32));
  const width = 2 ** (exp - 5);
  return LINEAR + (exp - 6) * SUB + (Math.floor(v / width) - SUB);
}

/** Midpoint of a bucket, in ms. */
function valueOf(bucket: number): number {
  // The last bucket also holds everything past the range: only the exact max describes it.
  if (bucket === BUCKETS - 1) return Infinity;
  if (bucket < LINEAR) return bucket / UNITS_PER_MS;
  const exp = Math.floor((bucket - LINEAR) / SUB) + 6;
  const width = 2 ** (exp - 5);
  const lower = (SUB + ((bucket - LINEAR) % SUB)) * width;
  return (lower + (width - 1) / 2) / UNITS_PER_MS;
}

/** The persisted form: counts as a sparse `[bucket, count, …]` list. */
export interface HistogramJson {
  count: number;
  errors: number;
  totalMs: number;
  minMs: number;
  maxMs: number;
  buckets: number[];
}

/** Per-operation latency statistics (internal). */
export class LatencyHistogram {
  count = 0;
  errors = 0;
  totalMs = 0;
  minMs = Infinity;
  maxMs = 0;
  // Float64 so counts kept across many sessions cannot wrap around like a Uint32 would.
  readonly #buckets = new Float64Array(BUCKETS);

  record(ms: number, failed: boolean): void {
    const v = ms > 0 ? ms : 0;
    this.count++;
    if (failed) this.errors++;
    this.totalMs += v;
    if (v < this.minMs) this.minMs = v;
    if (v > this.maxMs) this.maxMs = v;
    this.#buckets[bucketOf(Math.round(v * UNITS_PER_MS))]!++;
  }

  /** Nearest-rank percentile (`p` in 0–1), clamped to the exact min and max. 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#buckets[i]!;
      if (seen >= rank) return Math.min(this.maxMs, Math.max(this.minMs, valueOf(i)));
    }
    return this.maxMs;
  }

  /** Adds another histogram's counts to this one. */
  add(other: LatencyHistogram): void {
    this.count += other.count;
    this.errors += other.errors;
    this.totalMs += other.totalMs;
    this.minMs = Math.min(this.minMs, other.minMs);
    this.maxMs = Math.max(this.maxMs, other.maxMs);
    const b = other.#buckets;
    for (let i = 0; i < BUCKETS; i++) if (b[i]) this.#buckets[i]! += b[i]!;
  }

  toJSON(): HistogramJson {
    const buckets: number[] = [];
    this.#buckets.forEach((n, i) => {
      if (n > 0) buckets.push(i, n);
    });
    return { count: this.count, errors: this.errors, totalMs: this.totalMs, minMs: this.count ? this.minMs : 0, maxMs: this.maxMs, buckets };
  }

  /** Rebuilds a histogram; `undefined` when `j` is not a valid {@link HistogramJson}. */
  static fromJSON(j: unknown): LatencyHistogram | undefined {
    const o = j as Partial<HistogramJson> | null;
    if (typeof o !== 'object' || o === null || !Array.isArray(o.buckets) || o.buckets.length % 2) return undefined;
    const nums = [o.count, o.errors, o.totalMs, o.minMs, o.maxMs];
    if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)) return undefined;
    const h = new LatencyHistogram();
    let sum = 0;
    for (let i = 0; i < o.buckets.length; i += 2) {
      const b = o.buckets[i];
      const n = o.buckets[i + 1];
      if (!Number.isInteger(b) || (b as number) < 0 || (b as number) >= BUCKETS || typeof n !== 'number' || !(n > 0) || !Number.isFinite(n)) return undefined;
      h.#buckets[b as number] = n;
      sum += n;
    }
    if (sum !== o.count) return undefined;
    h.count = o.count as number;
    h.errors = o.errors as number;
    h.totalMs = o.totalMs as number;
    h.minMs = h.count ? (o.minMs as number) : Infinity;
    h.maxMs = o.maxMs as number;
    return h;
  }
}
