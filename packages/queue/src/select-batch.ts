import type { Driver } from '@stowage/core';
import { isEntryRecord, toEntry } from './record.js';
import type { QueueEntry } from './types.js';

/** What one scan of the pending entries found. */
export interface Selection<T> {
  /** Entries to hand to the handler now, in id order. */
  readonly batch: QueueEntry<T>[];
  /** Older entries replaced by a newer one with the same coalescing key (none of them in the batch). */
  readonly superseded: { entry: QueueEntry<T>; by: string }[];
  /** Pending keys whose value is not an entry record (raw value kept for the dead-letter list). */
  readonly malformed: { key: string; value: unknown }[];
  /** Earliest `nextAttemptAt` among entries not yet due; `undefined` when none was seen. */
  readonly earliest: number | undefined;
}

/** Inputs of {@link selectBatch}. */
export interface SelectOptions<T> {
  driver: Driver;
  prefix: string;
  now: number;
  batchSize: number;
  /** Called with every valid entry scanned (keeps the caller's coalescing index fresh). */
  observe?: (entry: QueueEntry<T>) => void;
}

/**
 * Scans pending entries in id order, page by page, and picks the next batch:
 *
 * - an entry is taken only when it is due and no earlier entry of its scope is pending (taken in
 *   this batch, backed off, or itself blocked) — so at most one entry per scope per batch and a
 *   scope never overtakes a failed entry;
 * - entries sharing a coalescing key collapse to the newest one scanned: older ones are superseded
 *   (the caller deletes them) — this is how duplicates from racing tabs or same-tick prepares go.
 *   Only when the newer one lies beyond the pages read does an older one get taken; the newer one
 *   then waits for the next batch, so one key's changes are never delivered out of order.
 *
 * Nothing is in flight during a scan (the caller runs one batch at a time under the flush lock).
 * The scan stops as soon as the batch is full, so a long queue costs one page per batch.
 */
export async function selectBatch<T>(options: SelectOptions<T>): Promise<Selection<T>> {
  const { driver, prefix, now, batchSize, observe } = options;
  const pageSize = Math.min(1000, Math.max(100, batchSize * 2));
  const batch: QueueEntry<T>[] = [];
  const superseded: { entry: QueueEntry<T>; by: string }[] = [];
  const malformed: { key: string; value: unknown }[] = [];
  const blockedScopes = new Set<string>();
  const takenKeys = new Set<string>();
  const latestByKey = new Map<string, QueueEntry<T>>(); // latest not-taken entry per coalescing key
  let earliest: number | undefined;
  let after: string | undefined;
  for (;;) {
    const page = await driver.entries(prefix, after === undefined ? { limit: pageSize } : { after, limit: pageSize });
    const entries: QueueEntry<T>[] = [];
    for (const [key, value] of page) {
      if (isEntryRecord(value)) entries.push(toEntry<T>(key.slice(prefix.length), value));
      else malformed.push({ key, value });
    }
    // Look ahead within the page: an entry with a newer one of its key on the same page is never taken.
    const newestInPage = new Map<string, QueueEntry<T>>();
    for (const e of entries) if (e.coalesceKey !== undefined) newestInPage.set(e.coalesceKey, e);
    for (const entry of entries) {
      observe?.(entry);
      const ck = entry.coalesceKey;
      if (ck !== undefined) {
        const newest = newestInPage.get(ck)!;
        if (newest !== entry) {
          // Superseded entries are deleted, so they block nothing: their change moves to the newer entry.
          superseded.push({ entry, by: newest.id });
          continue;
        }
        const older = latestByKey.get(ck); // an earlier page's entry, not taken
        if (older) superseded.push({ entry: older, by: entry.id });
        latestByKey.set(ck, entry);
      }
      let blocked = ck !== undefined && takenKeys.has(ck);
      if (entry.scope !== undefined) {
        blocked ||= blockedScopes.has(entry.scope);
        blockedScopes.add(entry.scope);
      }
      if (entry.nextAttemptAt > now) {
        earliest = earliest === undefined ? entry.nextAttemptAt : Math.min(earliest, entry.nextAttemptAt);
      } else if (!blocked) {
        batch.push(entry);
        if (ck !== undefined) {
          takenKeys.add(ck);
          latestByKey.delete(ck);
        }
        if (batch.length >= batchSize) return { batch, superseded, malformed, earliest };
      }
    }
    if (page.length < pageSize) return { batch, superseded, malformed, earliest };
    after = page[page.length - 1]![0];
  }
}
