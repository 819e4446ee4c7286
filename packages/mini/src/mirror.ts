import type { StowageError } from '@stowage/core';

/** One value as the mirror holds it. */
export interface MirrorEntry {
  /** JSON text, parsed on every read so callers never share (and mutate) the mirror's objects. */
  json?: string;
  /**
   * Instead of `json` until the first read: a value as the store returned it (a fresh copy only
   * the mirror holds), turned into `json` on first read, so hydrating a large namespace does not
   * stringify values nobody reads. See `valueOf`.
   */
  stored?: unknown;
  /** Set instead of `json` when the stored value cannot be read (e.g. a wrong key): reads throw it. */
  error?: StowageError;
  /** Bytes charged against limits: UTF-8 key + payload. */
  size: number;
  /** Epoch ms after which the entry reads as absent. */
  expiresAt?: number;
  /** Written encrypted, so Sync rewrites keep it encrypted. */
  encrypted: boolean;
}

/** A local write that has not settled yet; `entry: null` deletes. */
interface Pending {
  seq: number;
  entry: MirrorEntry | null;
  /** Sync writes show at once; async-API writes only once they succeed. */
  visible: boolean;
}

/** What the mirror knows of one key. */
interface Slot {
  /** Last state known to be in the store. */
  base: MirrorEntry | null;
  /** Sequence number of the write or read `base` came from. */
  baseSeq: number;
  pending: Pending[];
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
  #slots = new Map<string, Slot>();
  #seq = 0;
  #bytes = 0;

  /** The next sequence number; take it right before issuing the write or read to the Storage. */
  next(): number {
    return ++this.#seq;
  }

  #current(slot: Slot): MirrorEntry | null {
    for (let i = slot.pending.length - 1; i >= 0; i--) {
      const p = slot.pending[i] as Pending;
      if (p.visible && p.seq > slot.baseSeq) return p.entry;
    }
    return slot.base;
  }

  #update(key: string, fn: (slot: Slot) => void): void {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { base: null, baseSeq: 0, pending: [] };
      this.#slots.set(key, slot);
    }
    const before = this.#current(slot)?.size ?? 0;
    fn(slot);
    this.#bytes += (this.#current(slot)?.size ?? 0) - before;
    if (slot.base === null && slot.pending.length === 0) this.#slots.delete(key);
  }

  /** The entry callers see, expired ones included. */
  peek(key: string): MirrorEntry | null {
    const slot = this.#slots.get(key);
    return slot ? this.#current(slot) : null;
  }

  /** The entry callers see; `null` when absent or expired at `now`. */
  get(key: string, now: number): MirrorEntry | null {
    const e = this.peek(key);
    return e && !expired(e, now) ? e : null;
  }

  /** Records a write issued with `seq`. */
  stage(key: string, entry: MirrorEntry | null, visible: boolean, seq: number): void {
    this.#update(key, (slot) => {
      slot.pending.push({ seq, entry, visible });
    });
  }

  /** Settles the write `seq`: on success it becomes the stored state (with `patch` from the store's answer). */
  settle(key: string, seq: number, ok: boolean, patch?: Partial<MirrorEntry>): void {
    if (!this.#slots.has(key)) return;
    this.#update(key, (slot) => {
      const i = slot.pending.findIndex((p) => p.seq === seq);
      if (i < 0) return;
      const [p] = slot.pending.splice(i, 1) as [Pending];
      if (!ok || seq <= slot.baseSeq) return;
      slot.base = p.entry && patch ? { ...p.entry, ...patch } : p.entry;
      slot.baseSeq = seq;
      slot.pending = slot.pending.filter((q) => q.seq > seq);
    });
  }

  /** Applies what a read issued with `seq` found in the store (`null`: absent). */
  reset(key: string, entry: MirrorEntry | null, seq: number): void {
    this.#update(key, (slot) => {
      if (seq <= slot.baseSeq) return;
      slot.base = entry;
      slot.baseSeq = seq;
      slot.pending = slot.pending.filter((q) => q.seq > seq);
    });
  }

  /** Every key the mirror tracks (absent and expired ones may be among them). */
  keys(): string[] {
    return [...this.#slots.keys()];
  }

  /** Live keys (sorted) and their bytes at `now`. */
  live(now: number): { keys: string[]; bytes: number } {
    const keys: string[] = [];
    let bytes = 0;
    for (const [k, slot] of this.#slots) {
      const e = this.#current(slot);
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
    this.#slots.clear();
    this.#bytes = 0;
  }
}
