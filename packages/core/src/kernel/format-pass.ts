import type { Driver, DriverOp } from '../driver.js';
import { isRow, recordOf, toRow } from '../envelope.js';
import { isStoredRecord } from '../record.js';
import { formatPrefix } from '../reserved-keys.js';
import { markersPrefix } from './expiry-markers.js';
import { sameVersion } from './records.js';

/** Records read and rewritten per page of the v1 → v2 pass: one driver batch each. */
export const FORMAT_PAGE = 500;

/** Key of the flag saying every record of the namespace is a v2 row (value: 2). */
export function formatDoneKey(prefix: string): string {
  return `${formatPrefix(prefix)}v2`;
}

/** Key of the pass's cursor: the last driver key of the last committed page. */
export function formatCursorKey(prefix: string): string {
  return `${formatPrefix(prefix)}cursor`;
}

/** What one page of the pass did. */
export interface FormatPage {
  /** The pass is over: the flag is written (or, with foreign values left, the cursor dropped). */
  readonly done: boolean;
  /** v1 envelopes rewritten as v2 rows by this page. */
  readonly rewritten: number;
}

/**
 * The ops that rewrite the v1 envelope `raw` under driver key `dk` (user key `key`) as its v2 row,
 * only if it is still what was read; an expiring record gets its expiry marker with it (a v1
 * writer may have written it after the marker flag, see `expiry-markers.ts`).
 */
export function rewriteOps(prefix: string, dk: string, key: string, raw: unknown): DriverOp[] {
  const r = recordOf(key, raw);
  const ops: DriverOp[] = [{ type: 'check', key: dk, test: sameVersion(raw) }];
  if (r.expiresAt !== undefined) ops.push({ type: 'put', key: markersPrefix(prefix) + key, value: r.expiresAt });
  ops.push({ type: 'put', key: dk, value: toRow(key, r) });
  return ops;
}

/**
 * One page of the on-open v1 → v2 pass, run in the write lane: the page after the cursor, its v1
 * envelopes rewritten (each under a check that it is unchanged) and the new cursor, in ONE batch
 * guarded by a check that the cursor is still the one read (another tab running the same pass
 * moves it). A crash loses at most the page in flight; the next open resumes after the cursor.
 * The last page writes the done flag — unless foreign values (envelope version 0) were met: those
 * are upgraded by the read path (`foreign`, which runs the layers as a read does), so the flag
 * waits for a later pass that finds none.
 */
export async function formatPage(d: Driver, prefix: string, dp: string, foreign: (key: string, raw: unknown) => void, sawForeign: { value: boolean }): Promise<FormatPage> {
  const cursorKey = formatCursorKey(prefix);
  // The flag too: another tab may have finished the pass (and dropped the cursor) since the last page.
  const [cursor, flag] = await d.getMany([cursorKey, formatDoneKey(prefix)]);
  if (flag !== undefined) return { done: true, rewritten: 0 };
  const after = typeof cursor === 'string' ? cursor : undefined;
  const page = await d.entries(dp, after === undefined ? { limit: FORMAT_PAGE } : { after, limit: FORMAT_PAGE });
  const ops: DriverOp[] = [{ type: 'check', key: cursorKey, test: (v) => v === cursor }];
  let rewritten = 0;
  for (const [dk, raw] of page) {
    if (isRow(raw)) continue;
    const key = dk.slice(dp.length);
    if (!isStoredRecord(raw)) {
      sawForeign.value = true;
      foreign(key, raw);
      continue;
    }
    if (raw.v !== 1) continue; // an envelope of a later version (newer code wrote it): never rewritten down
    ops.push(...rewriteOps(prefix, dk, key, raw));
    rewritten++;
  }
  const done = page.length < FORMAT_PAGE;
  if (!done) ops.push({ type: 'put', key: cursorKey, value: (page[page.length - 1] as [string, unknown])[0] });
  else {
    ops.push({ type: 'delete', key: cursorKey });
    if (!sawForeign.value) ops.push({ type: 'put', key: formatDoneKey(prefix), value: 2 });
  }
  await d.batch(ops);
  return { done, rewritten };
}
