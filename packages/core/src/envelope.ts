import { isStoredRecord } from './record.js';
import type { StoredRecord } from './record.js';
import { utf8Length } from './serialize.js';

/**
 * Record format v2: what the driver holds under a data key (issue 21). The in-memory
 * {@link StoredRecord} every layer sees is unchanged; {@link toRow} and {@link fromRow} map it to
 * and from this row, and {@link recordOf} maps v1 envelopes, v2 rows and foreign values alike.
 *
 * - **It carries its user key** (`k`), so one `getAll` of the namespace returns every key with its
 *   value: no `getAllKeys` beside it.
 * - **Defaults cost nothing**: `createdAt` only when it differs from `updatedAt`, `s` only when the
 *   schema is not 1, `rawSize` only when it is not the payload's size (`size` − the key's UTF-8
 *   bytes, true of every unencoded record), `expiresAt` only on expiring records.
 * - **Old code refuses it, safely.** A tab still running v1 code reads every envelope with
 *   `isStoredRecord` (v ≥ 1, a `codecs` array, numeric `updatedAt` and `size`) and treats anything
 *   else as a foreign value — which its migrations layer would "upgrade" and rewrite with the whole
 *   row as the value (data lost to the app). So a v2 row keeps those four fields under their v1
 *   names, and its `codecs` end with {@link V2_CODEC}, a codec id no v1 code has: v1 code fails
 *   such a read with `decode-failed` (`unknown-codec`, or "carries no bytes") and rewrites nothing,
 *   its sweep still deletes expired rows (`expiresAt` keeps its name), and its own writes are v1
 *   records, which v2 code reads. The codec ids before the marker are the record's own.
 */
export interface RecordRow {
  /** The user key (the driver key without the namespace prefix). */
  readonly k: string;
  /** Envelope version: 2. */
  readonly v: 2;
  /** The record's codec ids, then {@link V2_CODEC} (so v1 code never decodes the row). */
  readonly codecs: readonly string[];
  /** The value, when the record is not encoded. */
  readonly value?: unknown;
  /** Encoded bytes, when it is. */
  readonly data?: Uint8Array;
  /** Epoch ms of the latest write. */
  readonly updatedAt: number;
  /** Bytes charged against limits (UTF-8 key + stored payload). */
  readonly size: number;
  /** Epoch ms of the first write; absent when equal to `updatedAt`. */
  readonly createdAt?: number;
  /** Epoch ms after which the record reads as absent; only on expiring records. */
  readonly expiresAt?: number;
  /** App schema version; absent when 1. */
  readonly s?: number;
  /** Bytes of the serialized value before codecs; absent when `size` − the key's bytes. */
  readonly rawSize?: number;
}

/** The envelope version of {@link RecordRow}. */
export const ROW_VERSION = 2;

/** The codec id closing every v2 row's `codecs`: unknown to v1 code, so it refuses the row. */
export const V2_CODEC = 'stowage-record-v2';

const PLAIN_CODECS: readonly string[] = Object.freeze([V2_CODEC]);

/** Whether `x` is a v2 row (`v: 2`, its key, and codecs closed by {@link V2_CODEC}). */
export function isRow(x: unknown): x is RecordRow {
  if (!isStoredRecord(x)) return false;
  const r = x as unknown as RecordRow;
  return r.v === ROW_VERSION && typeof r.k === 'string' && r.codecs[r.codecs.length - 1] === V2_CODEC;
}

/** The v2 row of `record` stored under user key `key`. */
export function toRow(key: string, r: StoredRecord): RecordRow {
  const encoded = r.codecs.length > 0;
  const row: { -readonly [K in keyof RecordRow]: RecordRow[K] } = encoded
    ? { k: key, v: ROW_VERSION, codecs: [...r.codecs, V2_CODEC], data: r.data as Uint8Array, updatedAt: r.updatedAt, size: r.size }
    : { k: key, v: ROW_VERSION, codecs: PLAIN_CODECS, value: r.value, updatedAt: r.updatedAt, size: r.size };
  if (r.createdAt !== r.updatedAt) row.createdAt = r.createdAt;
  if (r.expiresAt !== undefined) row.expiresAt = r.expiresAt;
  if (r.s !== 1) row.s = r.s;
  if (r.rawSize !== r.size - utf8Length(key)) row.rawSize = r.rawSize;
  return row;
}

/** The in-memory record of a v2 row (envelope version 2). */
export function fromRow(row: RecordRow): StoredRecord {
  const n = row.codecs.length - 1;
  const r: StoredRecord = n === 0
    ? { v: ROW_VERSION, s: row.s ?? 1, value: row.value, codecs: [], createdAt: row.createdAt ?? row.updatedAt, updatedAt: row.updatedAt, size: row.size, rawSize: 0 }
    : { v: ROW_VERSION, s: row.s ?? 1, data: row.data as Uint8Array, codecs: row.codecs.slice(0, n), createdAt: row.createdAt ?? row.updatedAt, updatedAt: row.updatedAt, size: row.size, rawSize: 0 };
  r.rawSize = row.rawSize ?? row.size - utf8Length(row.k);
  if (row.expiresAt !== undefined) r.expiresAt = row.expiresAt;
  return r;
}

/**
 * What is stored under `key`, as the record every layer reads: a v2 row mapped, a v1 envelope as
 * it is, a foreign value (envelope version 0: idb-keyval, localforage…) wrapped as schema 0.
 */
export function recordOf(key: string, raw: unknown): StoredRecord {
  if (!isStoredRecord(raw)) return adopt(key, raw);
  return isRow(raw) ? fromRow(raw) : (raw as StoredRecord);
}

/** Wraps a foreign value (envelope version 0: written before Stowage) as a schema-0 record. */
export function adopt(key: string, raw: unknown): StoredRecord {
  const bytes = foreignSize(raw);
  return { v: 0, s: 0, value: raw, codecs: [], createdAt: 0, updatedAt: 0, size: utf8Length(key) + bytes, rawSize: bytes };
}

/** JSON size of a foreign value (0 when it has no JSON form). */
export function foreignSize(raw: unknown): number {
  try {
    return utf8Length(JSON.stringify(raw) ?? '');
  } catch {
    return 0;
  }
}
