import { compareKeys } from '@stowage/core';
import type { QueueEntry } from './types.js';

/**
 * What this tab knows of the newest committed pending entry per coalescing key: fed by the load at
 * start, by flush scans, by this tab's commits and by other tabs' `enqueued` events. It only ever
 * holds ids of entries known to be committed, so "a newer entry exists" is safe to act on (the older
 * one can be deleted without losing the change). Knowledge may lag behind other tabs; the flush scan
 * collapses whatever duplicates that lets through.
 */
export class CoalesceIndex {
  readonly #latest = new Map<string, string>();

  /** Records a committed entry (ignored unless newer than what is known for its key). */
  note(entry: Pick<QueueEntry<unknown>, 'id' | 'coalesceKey'>): void {
    const ck = entry.coalesceKey;
    if (ck === undefined) return;
    const current = this.#latest.get(ck);
    if (current === undefined || compareKeys(entry.id, current) > 0) this.#latest.set(ck, entry.id);
  }

  /** Records that an entry left the queue. */
  forget(entry: Pick<QueueEntry<unknown>, 'id' | 'coalesceKey'>): void {
    const ck = entry.coalesceKey;
    if (ck !== undefined && this.#latest.get(ck) === entry.id) this.#latest.delete(ck);
  }

  /** The newest known entry id for `coalesceKey`. */
  latest(coalesceKey: string | undefined): string | undefined {
    return coalesceKey === undefined ? undefined : this.#latest.get(coalesceKey);
  }

  /** Id of a known entry that is newer than `entry` and shares its key (so `entry` is superseded). */
  newerThan(entry: Pick<QueueEntry<unknown>, 'id' | 'coalesceKey'>): string | undefined {
    const latest = this.latest(entry.coalesceKey);
    return latest !== undefined && compareKeys(latest, entry.id) > 0 ? latest : undefined;
  }
}
