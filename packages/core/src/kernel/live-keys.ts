import type { Driver, DriverOp } from '../driver.js';
import { isExpired, isStoredRecord } from '../record.js';
import { builtKey, markersPrefix } from './expiry-markers.js';
import { ttlPrefix } from '../reserved-keys.js';
import { sameVersion } from './records.js';

/** What {@link liveKeys} needs of the kernel. */
export interface LiveKeysContext {
  readonly prefix: string;
  readonly dp: string;
  /** The time keys are judged at, taken before anything is read. */
  readonly now: number;
  /** A read found `raw` under `key` expired (the expiry layer deletes it in the background). */
  expired(key: string, raw: unknown): void;
  /** Queues marker upkeep in the write lane; a batch whose checks failed is dropped (the next call retries). */
  upkeep(ops: DriverOp[]): void;
}

/**
 * The live keys of a namespace without reading its records (see `expiry-markers.ts`): the markers
 * first, then one `getAllKeys` of the namespace, then only the records whose marker is due.
 *
 * Order matters. A record and its marker commit together, and a marker is only deleted with its
 * record or once checked stale, so any expiring record present when the keys are read had its
 * marker present when the markers were read just before (or was written in between, at a time
 * after `now`). A namespace without the flag (written before markers existed) is read whole once,
 * as before, and its markers and flag are written in the background, each checked against the
 * record it was made from.
 */
export async function liveKeys(d: Driver, o: LiveKeysContext): Promise<string[]> {
  const tp = ttlPrefix(o.prefix);
  const marks = await d.entries(tp);
  if (!marks.some(([k]) => k === builtKey(o.prefix))) return build(d, o);
  const cut = o.dp.length;
  const keys = (await d.keys(o.dp)).map((k) => k.slice(cut));
  const mp = markersPrefix(o.prefix);
  if (marks.length === 1) return keys; // the flag alone: nothing in this namespace expires
  const present = new Set(keys);
  const due: [string, unknown][] = [];
  const stale: DriverOp[] = [];
  for (const [mk, at] of marks) {
    if (!mk.startsWith(mp)) continue;
    const key = mk.slice(mp.length);
    if (!present.has(key)) stale.push(...dropMarker(mk, at, o.dp + key, undefined));
    else if (typeof at !== 'number' || at <= o.now) due.push([key, at]);
  }
  const gone = new Set<string>();
  if (due.length > 0) {
    const raws = await d.getMany(due.map(([k]) => o.dp + k));
    due.forEach(([key, at], i) => {
      const raw = raws[i];
      if (raw === undefined) gone.add(key); // removed since the keys were read
      else if (isStoredRecord(raw) && isExpired(raw, o.now)) {
        gone.add(key);
        o.expired(key, raw);
      }
      // Upkeep of a due marker that no longer matches its record: dropped when the record has no
      // expiry (or is gone); set to the record's expiry if it has another (never left missing).
      if (raw === undefined || !isStoredRecord(raw) || raw.expiresAt === undefined) stale.push(...dropMarker(mp + key, at, o.dp + key, raw));
      else if (raw.expiresAt !== at) stale.push(...dropMarker(mp + key, at, o.dp + key, raw).slice(0, 2), { type: 'put', key: mp + key, value: raw.expiresAt });
    });
  }
  if (stale.length > 0) o.upkeep(stale);
  return gone.size === 0 ? keys : keys.filter((k) => !gone.has(k));
}

/** Deletes a stale marker, only if it and its record are still what was seen. */
function dropMarker(markerKey: string, at: unknown, recordKey: string, raw: unknown): DriverOp[] {
  return [
    { type: 'check', key: markerKey, test: (v) => v === at },
    { type: 'check', key: recordKey, test: raw === undefined ? (v) => v === undefined : sameVersion(raw) },
    { type: 'delete', key: markerKey },
  ];
}

/** The keys from a whole read (as before markers), then the markers and the flag in the background. */
async function build(d: Driver, o: LiveKeysContext): Promise<string[]> {
  const cut = o.dp.length;
  const mp = markersPrefix(o.prefix);
  const out: string[] = [];
  const ops: DriverOp[] = [];
  for (const [k, raw] of await d.entries(o.dp)) {
    const key = k.slice(cut);
    if (isStoredRecord(raw) && raw.expiresAt !== undefined) {
      // A marker made from what was read, only if the record is still that one when it commits:
      // else a concurrent rewrite's marker could be overwritten with an expiry it no longer has.
      ops.push({ type: 'check', key: k, test: sameVersion(raw) }, { type: 'put', key: mp + key, value: raw.expiresAt });
      if (isExpired(raw, o.now)) continue;
    }
    out.push(key);
  }
  ops.push({ type: 'put', key: builtKey(o.prefix), value: 1 });
  o.upkeep(ops);
  return out;
}
