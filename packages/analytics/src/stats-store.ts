import { StowageError, toStowageError } from '@stowage/core';
import type { Clock, LockPort, Storage } from '@stowage/core';
import { HotKeyTable } from './hot-keys.js';
import { createKeyHasher } from './key-hasher.js';
import type { KeyHasher } from './key-hasher.js';
import { StatsState } from './stats-state.js';
import type { KeyMode } from './stats-state.js';
import { WriteThrottle } from './write-throttle.js';

/** What the store needs from the analytics options. */
export interface StatsStoreOptions {
  storage: Storage | undefined;
  persistKey: string;
  persistInterval: number;
  hotCapacity: number;
  growthLimit: number;
  /** `undefined`: keys as they are; `{ salt, fixed }`: hashed (a salt not `fixed` is replaced by a persisted one). */
  hashing: { salt: string; fixed: boolean } | undefined;
  clock: Clock;
  locks: LockPort;
  onError: (error: StowageError) => void;
}

const identity = (k: string): string => k;

/**
 * The stats and their persistence. `delta` takes every new count (with raw key names); `base` is the
 * persisted total as last read or written (key names already hashed when hashing is on). A write
 * happens at most once per `persistInterval`, only when something changed: under a lock it reads what
 * is stored (other tabs' counts included), adds the delta, writes the sum, and the sum becomes `base`.
 * Raw key names therefore stay in memory only; they are hashed whenever anything leaves.
 */
export class StatsStore {
  readonly #o: StatsStoreOptions;
  readonly #throttle: WriteThrottle | undefined;
  #base: StatsState;
  #delta: StatsState;
  #hasher: KeyHasher | undefined;
  #salt = '';
  /** Operation names with a histogram here or in the persisted stats, to bound how many there are. */
  readonly opNames = new Set<string>();
  #dirty = false;
  #mustRewrite = false;
  #resetPending = false;
  #generation = 0;
  readonly #restored: Promise<StowageError | undefined>;

  constructor(o: StatsStoreOptions) {
    this.#o = o;
    this.#base = new StatsState(o.hotCapacity);
    this.#delta = new StatsState(o.hotCapacity);
    this.#hasher = o.hashing ? createKeyHasher(o.hashing.salt) : undefined;
    this.#throttle = o.storage ? new WriteThrottle(o.clock, o.persistInterval, () => this.#persist()) : undefined;
    this.#restored = o.storage ? this.#restore(o.storage) : Promise.resolve(undefined);
  }

  /** Where new counts go. Call {@link changed} after writing to it. */
  get delta(): StatsState {
    return this.#delta;
  }

  /** How keys leave this process: hashed, or as they are. */
  readonly hashKey = (key: string): string => (this.#hasher ? this.#hasher(key) : key);

  /** Marks the stats changed; a write follows within `persistInterval`. */
  changed(): void {
    this.#dirty = true;
    this.#throttle?.request();
  }

  /** Persisted totals + unsaved counts, keys hashed when hashing is on. */
  view(): StatsState {
    return this.#base.merged(this.#delta, this.hashKey, this.#o.growthLimit);
  }

  async ready(): Promise<void> {
    const err = await this.#restored;
    if (err) throw err;
  }

  #setBase(state: StatsState): void {
    this.#base = state;
    for (const op of state.ops.keys()) this.opNames.add(op);
  }

  reset(now: number): void {
    this.#generation++;
    this.opNames.clear();
    this.#base = new StatsState(this.#o.hotCapacity);
    this.#delta = new StatsState(this.#o.hotCapacity);
    this.#delta.since = now;
    this.#resetPending = this.#o.storage !== undefined;
    this.changed();
  }

  async flush(): Promise<void> {
    await this.#throttle?.flush();
  }

  stop(): void {
    this.#throttle?.stop();
  }

  get #mode(): KeyMode {
    return this.#o.hashing ? { mode: 'hash', salt: this.#salt } : { mode: 'raw' };
  }

  /** Reads the snapshot; a malformed one is reported and read as nothing (the next write replaces it). */
  async #read(storage: Storage): Promise<StatsState | undefined> {
    const raw = await storage.get(this.#o.persistKey);
    if (raw === undefined) return undefined;
    const parsed = StatsState.fromJSON(raw, this.#o.hotCapacity);
    if (!parsed) {
      this.#o.onError(new StowageError('decode-failed', `analytics: the stats stored under "${this.#o.persistKey}" are not readable; starting from zero`, {
        details: { key: this.#o.persistKey },
      }));
      return undefined;
    }
    const h = this.#o.hashing;
    const k = parsed.keys;
    if (h && !h.fixed && k.mode === 'hash') this.#adoptSalt(k.salt);
    const compatible = h ? k.mode === 'hash' && k.salt === this.#salt : k.mode === 'raw';
    // Hot keys written under another salt (or raw while hashing is on) cannot be matched: drop them,
    // and make sure the stored copy loses them too (raw names must not stay on disk once hashing is on).
    if (!compatible) {
      if (parsed.state.hot.size > 0) this.#mustRewrite = true;
      parsed.state.hot = new HotKeyTable(this.#o.hotCapacity);
    }
    return parsed.state;
  }

  #adoptSalt(salt: string): void {
    if (salt === this.#salt) return;
    this.#salt = salt;
    this.#hasher = createKeyHasher(salt);
  }

  async #restore(storage: Storage): Promise<StowageError | undefined> {
    if (this.#o.hashing) this.#salt = this.#o.hashing.salt;
    try {
      const gen = this.#generation;
      const stored = await this.#read(storage);
      if (stored && gen === this.#generation) this.#setBase(stored);
      if (this.#mustRewrite) this.changed();
      return undefined;
    } catch (e) {
      return toStowageError(e, 'analytics restore');
    }
  }

  async #persist(): Promise<void> {
    const storage = this.#o.storage;
    if (!storage) return;
    await this.#restored;
    if (!this.#dirty) return;
    const gen = this.#generation;
    const sending = this.#delta;
    const reset = this.#resetPending;
    this.#delta = new StatsState(this.#o.hotCapacity);
    this.#dirty = false;
    this.#resetPending = false;
    try {
      const total = await this.#o.locks.request(`stowage-analytics:${storage.prefix}:${this.#o.persistKey}`, async () => {
        const stored = reset ? undefined : await this.#read(storage);
        const sum = (stored ?? new StatsState(this.#o.hotCapacity)).merged(sending, this.hashKey, this.#o.growthLimit);
        await storage.set(this.#o.persistKey, sum.toJSON(this.#mode));
        this.#mustRewrite = false;
        return sum;
      });
      if (gen === this.#generation) this.#setBase(total);
    } catch (e) {
      // Keep what was not written: it goes out with the next write.
      if (gen === this.#generation) {
        this.#delta = sending.merged(this.#delta, identity, this.#o.growthLimit);
        this.#dirty = true;
        this.#resetPending ||= reset;
      }
      this.#o.onError(toStowageError(e, 'analytics persist'));
    }
  }
}
