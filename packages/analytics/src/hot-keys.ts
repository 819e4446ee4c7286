/** Counts of one tracked key. */
export interface HotEntry {
  /** Reads + writes, possibly overcounted by at most `error`. */
  count: number;
  reads: number;
  writes: number;
  error: number;
  size?: number;
}

/** The persisted form. */
export interface HotKeysJson {
  floor: number;
  entries: [key: string, count: number, reads: number, writes: number, error: number, size: number | null][];
}

const byCount = (a: [string, HotEntry], b: [string, HotEntry]): number => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Top keys by access in bounded memory (the "Frequent" algorithm with batched pruning): at most
 * 2 × `capacity` keys are tracked; when full, the least counted half is dropped and `floor` remembers
 * the highest count dropped, so a key that comes back starts at `floor` with `error = floor`. Every
 * estimate is ≥ the true count and ≤ true count + error; keys with a true count above the floor are
 * never missed. Pruning in batches keeps `touch` O(1) amortized (a scan per miss would not be).
 */
export class HotKeyTable {
  readonly capacity: number;
  floor = 0;
  readonly #map = new Map<string, HotEntry>();
  /** Entries dropped by pruning, reused for new keys: a stream of distinct keys then allocates nothing per access. */
  readonly #free: HotEntry[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#map.size;
  }

  touch(key: string, write: boolean, size?: number): void {
    let e = this.#map.get(key);
    if (e === undefined) {
      e = this.#free.pop();
      // One object shape for every entry (size always present) keeps property access monomorphic.
      if (e === undefined) e = { count: this.floor, reads: 0, writes: 0, error: this.floor, size: undefined };
      else {
        e.count = e.error = this.floor;
        e.reads = e.writes = 0;
        e.size = undefined;
      }
      this.#map.set(key, e);
      if (this.#map.size > 2 * this.capacity) this.#prune();
    }
    e.count++;
    if (write) e.writes++;
    else e.reads++;
    if (size !== undefined) e.size = size;
  }

  /** Records a key's size if it is tracked (writes seen from other tabs, which are not accesses here). */
  noteSize(key: string, size: number): void {
    const e = this.#map.get(key);
    if (e !== undefined) e.size = size;
  }

  /** The `n` most counted keys, most first (ties by key). */
  top(n: number): [string, HotEntry][] {
    return [...this.#map].sort(byCount).slice(0, n);
  }

  /** A new table with the counts of `this` and `other` (whose keys go through `mapKey`) added up. */
  merged(other: HotKeyTable, mapKey: (key: string) => string = (k) => k): HotKeyTable {
    const theirs = new Map<string, HotEntry>();
    for (const [raw, e] of other.#map) {
      const k = mapKey(raw);
      const prev = theirs.get(k);
      theirs.set(k, prev === undefined ? e : sum(prev, e));
    }
    const out = new HotKeyTable(this.capacity);
    out.floor = this.floor + other.floor;
    // A key one side does not track may have been counted up to that side's floor there.
    const absent = (floor: number): HotEntry => ({ count: floor, reads: 0, writes: 0, error: floor });
    for (const k of new Set([...this.#map.keys(), ...theirs.keys()])) {
      out.#map.set(k, sum(this.#map.get(k) ?? absent(this.floor), theirs.get(k) ?? absent(other.floor)));
    }
    if (out.#map.size > 2 * out.capacity) out.#prune();
    return out;
  }

  #prune(): void {
    const sorted = [...this.#map].sort(byCount);
    for (let i = this.capacity; i < sorted.length; i++) {
      const [k, e] = sorted[i]!;
      if (e.count > this.floor) this.floor = e.count;
      this.#map.delete(k);
      this.#free.push(e);
    }
  }

  /** The top `capacity` keys; the floor rises to the highest count left out, so estimates stay upper bounds. */
  toJSON(): HotKeysJson {
    const sorted = [...this.#map].sort(byCount);
    const cut = sorted[this.capacity];
    const floor = cut && cut[1].count > this.floor ? cut[1].count : this.floor;
    return { floor, entries: sorted.slice(0, this.capacity).map(([k, e]) => [k, e.count, e.reads, e.writes, e.error, e.size ?? null]) };
  }

  /** Rebuilds a table; `undefined` when `j` is not a valid {@link HotKeysJson}. */
  static fromJSON(j: unknown, capacity: number): HotKeyTable | undefined {
    const o = j as Partial<HotKeysJson> | null;
    if (typeof o !== 'object' || o === null || !isCount(o.floor) || !Array.isArray(o.entries)) return undefined;
    const t = new HotKeyTable(capacity);
    t.floor = o.floor;
    for (const row of o.entries as unknown[]) {
      if (!Array.isArray(row) || row.length !== 6 || typeof row[0] !== 'string') return undefined;
      const [key, count, reads, writes, error, size] = row as unknown[];
      if (![count, reads, writes, error].every(isCount) || (size !== null && !isCount(size))) return undefined;
      const e: HotEntry = { count: count as number, reads: reads as number, writes: writes as number, error: error as number };
      if (size !== null) e.size = size as number;
      t.#map.set(key as string, e);
    }
    if (t.#map.size > 2 * capacity) t.#prune();
    return t;
  }
}

/** Adds two entries; the size of `b` (the newer) wins. */
function sum(a: HotEntry, b: HotEntry): HotEntry {
  const m: HotEntry = { count: a.count + b.count, reads: a.reads + b.reads, writes: a.writes + b.writes, error: a.error + b.error };
  const size = b.size ?? a.size;
  if (size !== undefined) m.size = size;
  return m;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
