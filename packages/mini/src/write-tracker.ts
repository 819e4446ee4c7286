import { StowageError, toStowageError } from '@stowage/core';
import type { StorageEvent } from '@stowage/core';
import type { Reporter } from './callback-api.js';
import type { Mirror, MirrorEntry } from './mirror.js';
import type { StoredMeta } from './mirror-entry.js';

/** One key a write changes: its new entry, or `null` for a delete. */
export interface StagedWrite {
  key: string;
  entry: MirrorEntry | null;
}

/** How a write relates to the mirror. */
export interface IssueOptions {
  /** The API name, for error reports. */
  operation: string;
  /** Sync write-behind (shown at once, rolled back on failure) vs async-API write (shown on success). */
  behind: boolean;
  /** Whether the mirror follows this write at all (not before `ready()` starts). */
  track: boolean;
  /** The write is a `clear()`: its `clear` event is our own echo. */
  clear?: boolean;
}

/**
 * Runs this instance's writes against the Storage and keeps the mirror in step with them: stages
 * each write under a sequence number, settles it when the Storage answers (restoring the previous
 * value on failure and reporting it, for write-behinds), recognises the Storage's echo events of
 * our own writes (so they are not mistaken for another writer's), and answers `flush()`.
 */
export class WriteTracker {
  readonly #mirror: Mirror;
  readonly #report: Reporter;
  /** Every unsettled write, for `flush()`. */
  readonly #all = new Set<Promise<void>>();
  /** Unsettled async-API writes, which async reads wait for (the platform queues async calls). */
  readonly #async = new Set<Promise<void>>();
  /** Unsettled own writes per key: an event for such a key is our echo. */
  readonly #inflight = new Map<string, number>();
  /** Size and expiry the store gave our latest write of a key (learned from its echo event). */
  readonly #meta = new Map<string, StoredMeta>();
  #clears = 0;
  /** Write-behind failures since the last flush() (count and first), which flush() reports. */
  #failed = 0;
  #firstFailure: StowageError | undefined;

  constructor(mirror: Mirror, report: Reporter) {
    this.#mirror = mirror;
    this.#report = report;
  }

  /** Issues `commit` (the Storage call) as one write changing `staged`; resolves or rejects with it. */
  issue(staged: readonly StagedWrite[], o: IssueOptions, commit: () => Promise<void>): Promise<void> {
    // The same key twice in one batch: the store keeps the last one, so does the mirror.
    const byKey = new Map(staged.map((s) => [s.key, s.entry]));
    const seq = this.#mirror.next();
    if (o.track) for (const [key, entry] of byKey) this.#mirror.stage(key, entry, o.behind, seq);
    for (const key of byKey.keys()) this.#inflight.set(key, (this.#inflight.get(key) ?? 0) + 1);
    if (o.clear) this.#clears++;
    let started: Promise<void>;
    try {
      started = commit();
    } catch (e) {
      started = Promise.reject(e);
    }
    const done = started.then(
      () => this.#settle(byKey, seq, o, true),
      (e: unknown) => {
        this.#settle(byKey, seq, o, false);
        throw toStowageError(e, o.operation);
      },
    );
    const tracked = done.catch((err: StowageError) => {
      if (!o.behind) return;
      // The mirror already shows the store's real state again; say what happened and to which keys.
      const keys = [...byKey.keys()];
      const reported = new StowageError(err.code, `${o.operation}: the write-behind failed, so the mirror was restored for ${keys.map((k) => JSON.stringify(k)).join(', ')}: ${err.message}`, {
        cause: err,
        details: { ...err.details, keys, operation: o.operation },
      });
      this.#failed++;
      this.#firstFailure ??= reported;
      this.#report(reported, { operation: o.operation, keys });
    });
    this.#all.add(tracked);
    void tracked.then(() => this.#all.delete(tracked));
    if (!o.behind) {
      this.#async.add(tracked);
      void tracked.then(() => this.#async.delete(tracked));
    }
    return done;
  }

  #settle(byKey: Map<string, MirrorEntry | null>, seq: number, o: IssueOptions, ok: boolean): void {
    for (const [key, entry] of byKey) {
      if (o.track) this.#mirror.settle(key, seq, ok, ok && entry ? this.#meta.get(key) : undefined);
      const n = (this.#inflight.get(key) ?? 1) - 1;
      if (n > 0) this.#inflight.set(key, n);
      else {
        this.#inflight.delete(key);
        this.#meta.delete(key);
      }
    }
    if (o.clear) this.#clears--;
  }

  /**
   * Whether `e` is the Storage's echo of one of our own writes (then it carries the stored size and
   * expiry of the value, which the mirror takes when the write settles). Storage emits a write's
   * events before it resolves the write, so the echo always arrives first.
   */
  isOwnEcho(e: StorageEvent): boolean {
    if (e.type === 'clear') return e.source === 'local' && this.#clears > 0;
    if ((e.type !== 'set' && e.type !== 'remove') || e.source !== 'local' || !this.#inflight.has(e.key)) return false;
    if (e.type === 'set') this.#meta.set(e.key, e.expiresAt === undefined ? { size: e.size } : { size: e.size, expiresAt: e.expiresAt });
    return true;
  }

  /** Resolves once every async-API write issued so far has settled. */
  async asyncIdle(): Promise<void> {
    if (this.#async.size > 0) await Promise.all([...this.#async]);
  }

  /**
   * Resolves once every write issued so far has settled. Rejects when write-behinds failed since
   * the last flush (they were rolled back and reported; async-API failures went to their caller).
   */
  async flush(): Promise<void> {
    await Promise.all([...this.#all]);
    const first = this.#firstFailure;
    const failed = this.#failed;
    this.#firstFailure = undefined;
    this.#failed = 0;
    if (first) {
      throw new StowageError(first.code, `flush: ${failed} write-behind(s) failed; first: ${first.message}`, {
        cause: first,
        details: { failed, keys: first.details.keys },
      });
    }
  }
}
