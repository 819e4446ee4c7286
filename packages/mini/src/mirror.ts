import type { MirrorEntry, StoredMeta } from './mirror-entry.js';

export { MirrorEntry } from './mirror-entry.js';

/** A local write that has not settled yet; `entry: null` deletes. */
interface Pending {
  seq: number;
  entry: MirrorEntry | null;
  /** Sync writes show at once; async-API writes only once they succeed. */
  visible: boolean;
}

const expired = (e: MirrorEntry, now: number): boolean => e.expiresAt !== undefined && e.expiresAt <= now;

/**
 * The in-memory copy of a namespace behind the Sync API. Every local write and every re-read of
 * the store takes a sequence number in the order it is issued to the Storage (which applies writes
 * in call order, and makes reads wait for earlier writes). So per key:
 *
 * - what callers see = the newest visible unsettled write, else `base` (last known stored state);
 * - a write that succeeds becomes `base` unless something newer already did;
 * - a write that fails simply disappears, so the mirror falls back to whatever is really stored
 *   (or to an older write still in flight) — it never keeps pretending;
 * - a re-read (after another tab's change) becomes `base` if it is newer than `base`; writes issued
 *   before it are already reflected in what it read.
 *
 * It also keeps a running byte total so the Sync API can check the namespace limit in O(1).
 */
export class Mirror {
  /** Last state known to be in the store, per key present there (each entry carries the `seq` it came from). */
  #base = new Map<string, MirrorEntry>();
  /** Unsettled local writes, only for keys that have some: most keys of a hydrated namespace have none. */
  #pending = new Map<string, Pending[]>();
  /** The `seq` an absent key's state came from, kept while it has unsettled writes (then forgotten, like the key). */
  #goneSeq = new Map<string, number>();
  #seq = 0;
  #bytes = 0;

  /** The next sequence number; take it right before issuing the write or read to the Storage. */
  next(): number {
    return ++this.#seq;
  }

  #baseSeq(key: string): number {
    return this.#base.get(key)?.seq ?? this.#goneSeq.get(key) ?? 0;
  }

  #current(key: string): MirrorEntry | null {
    const base = this.#base.get(key) ?? null;
    const pending = this.#pending.get(key);
    if (pending) {
      const seq = base ? base.seq : (this.#goneSeq.get(key) ?? 0);
      for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i] as Pending;
        if (p.visible && p.seq > seq) return p.entry;
      }
    }
    return base;
  }

  #update(key: string, fn: () => void): void {
    const before = this.#current(key)?.size ?? 0;
    fn();
    this.#bytes += (this.#current(key)?.size ?? 0) - before;
    if (!this.#pending.has(key)) this.#goneSeq.delete(key);
  }

  /** Makes `entry` the stored state of `key` as of `seq`; writes issued up to `seq` are reflected in it. */
  #setBase(key: string, entry: MirrorEntry | null, seq: number): void {
    const pending = this.#pending.get(key);
    if (pending) {
      const rest = pending.filter((q) => q.seq > seq);
      if (rest.length > 0) this.#pending.set(key, rest);
      else this.#pending.delete(key);
    }
    if (entry) {
      entry.seq = seq;
      this.#base.set(key, entry);
      this.#goneSeq.delete(key);
    } else {
      this.#base.delete(key);
      if (this.#pending.has(key)) this.#goneSeq.set(key, seq);
    }
  }

  /** The entry callers see, expired ones included. */
  peek(key: string): MirrorEntry | null {
    return this.#current(key);
  }

  /** The entry callers see; `null` when absent or expired at `now`. */
  get(key: string, now: number): MirrorEntry | null {
    const e = this.#current(key);
    return e && !expired(e, now) ? e : null;
  }

  /** Records a write issued with `seq`. */
  stage(key: string, entry: MirrorEntry | null, visible: boolean, seq: number): void {
    this.#update(key, () => {
      const pending = this.#pending.get(key);
      if (pending) pending.push({ seq, entry, visible });
      else this.#pending.set(key, [{ seq, entry, visible }]);
    });
  }

  /** Settles the write `seq`: on success it becomes the stored state (with `meta` from the store's answer). */
  settle(key: string, seq: number, ok: boolean, meta?: StoredMeta): void {
    const pending = this.#pending.get(key);
    const i = pending ? pending.findIndex((p) => p.seq === seq) : -1;
    if (!pending || i < 0) return;
    this.#update(key, () => {
      const [p] = pending.splice(i, 1) as [Pending];
      const baseSeq = this.#baseSeq(key);
      if (pending.length === 0) this.#pending.delete(key);
      if (!ok || seq <= baseSeq) return;
      this.#setBase(key, p.entry && meta ? p.entry.with(meta) : p.entry, seq);
    });
  }

  /** Applies what a read issued with `seq` found in the store (`null`: absent). */
  reset(key: string, entry: MirrorEntry | null, seq: number): void {
    if (seq <= this.#baseSeq(key)) return;
    this.#update(key, () => this.#setBase(key, entry, seq));
  }

  /** Every key the mirror tracks (absent and expired ones may be among them). */
  keys(): string[] {
    const keys = [...this.#base.keys()];
    for (const k of this.#pending.keys()) if (!this.#base.has(k)) keys.push(k);
    return keys;
  }

  /** Live keys (sorted) and their bytes at `now`. */
  live(now: number): { keys: string[]; bytes: number } {
    const keys: string[] = [];
    let bytes = 0;
    for (const k of this.keys()) {
      const e = this.#current(k);
      if (!e || expired(e, now)) continue;
      keys.push(k);
      bytes += e.size;
    }
    return { keys: keys.sort(), bytes };
  }
  /**
   * Whether replacing the given keys' entries with entries of the given sizes (0 = delete) keeps
   * the namespace within `max`. Expired entries count until swept, as in the store — but the store
   * sweeps them under pressure, so when the fast total is over, live bytes decide.
   */
  fits(changes: ReadonlyMap<string, number>, max: number, now: number): { ok: boolean; used: number; need: number } {
    let delta = 0;
    for (const [k, size] of changes) delta += size - (this.peek(k)?.size ?? 0);
    if (this.#bytes + delta <= max) return { ok: true, used: this.#bytes, need: delta };
    const live = this.live(now).bytes;
    let liveDelta = 0;
    for (const [k, size] of changes) liveDelta += size - (this.get(k, now)?.size ?? 0);
    return { ok: live + liveDelta <= max, used: live, need: liveDelta };
  }

  /** Forgets everything (after a failed hydration). */
  clear(): void {
    this.#base.clear();
    this.#pending.clear();
    this.#goneSeq.clear();
    this.#bytes = 0;
  }
}
