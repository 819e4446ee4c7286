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
 * - entries sharing a coalescing key keep their order too: a later one waits while an earlier one
 *   is in the batch; an earlier one NOT in the batch is superseded by the later one (the caller
 *   deletes it), which is how duplicates from racing tabs or same-tick prepares collapse.
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
    for (const [key, value] of page) {
      if (!isEntryRecord(value)) {
        malformed.push({ key, value });
        continue;
      }
      const entry = toEntry<T>(key.slice(prefix.length), value);
      observe?.(entry);
      const ck = entry.coalesceKey;
      let blocked = ck !== undefined && takenKeys.has(ck);
      if (ck !== undefined) {
        const older = latestByKey.get(ck);
        if (older) superseded.push({ entry: older, by: entry.id });
        latestByKey.set(ck, entry);
      }
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
