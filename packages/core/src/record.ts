/**
 * Current version of the record envelope written by this code: 2, the row of `envelope.ts` (v1
 * envelopes, the in-memory shape below, stay readable).
 */
export const ENVELOPE_VERSION = 2;

/**
 * The record every layer reads and writes (in memory; the driver holds its v2 row, `envelope.ts`,
 * or a v1 envelope of this very shape written by earlier code). Expiry, size and codec ids stay in clear so that sweeps,
 * quota accounting and decoding need no key; the payload is either `value` (no codec: stored by
 * structured clone, the fastest IndexedDB path) or `data` (bytes after serialize → codecs).
 */
export interface StoredRecord {
  /** Envelope version it was read from (1, 2; 0 for a foreign value) or is written as ({@link ENVELOPE_VERSION}). */
  v: number;
  /** App schema version the value was written under (see `migrations`). */
  s: number;
  /** The value itself, when `codecs` is empty. */
  value?: unknown;
  /** Encoded bytes, when `codecs` is not empty. */
  data?: Uint8Array;
  /** Codec ids applied after JSON serialization, in order (decode runs them backwards). */
  codecs: string[];
  /** Epoch milliseconds of the first write of this key. */
  createdAt: number;
  /** Epoch milliseconds of the latest write. */
  updatedAt: number;
  /** Epoch milliseconds after which the record reads as absent. */
  expiresAt?: number;
  /** Bytes charged against limits: UTF-8 key + stored payload. */
  size: number;
  /** Bytes of the serialized value before any codec. */
  rawSize: number;
}

/**
 * The fields every stored envelope has under the same names, v1 envelope or v2 row: what code
 * that peeks at a raw driver value (sweeps, `keys()`, checks) may read without mapping it.
 */
export interface EnvelopeFields {
  readonly v: number;
  readonly codecs: readonly string[];
  readonly updatedAt: number;
  readonly size: number;
  readonly expiresAt?: number;
}

/**
 * Whether `x` is a Stowage envelope of any version ≥ 1 (a v1 envelope or a v2 row; map it with
 * `recordOf`). Anything else found under a data key is a foreign value (envelope version 0:
 * written by idb-keyval, localforage, … before Stowage was adopted) and is upgraded on read.
 */
export function isStoredRecord(x: unknown): x is EnvelopeFields {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<StoredRecord>;
  return typeof r.v === 'number' && r.v >= 1 && Array.isArray(r.codecs) && typeof r.updatedAt === 'number' && typeof r.size === 'number';
}

/** Whether the record is expired at `now`. */
export function isExpired(record: Pick<StoredRecord, 'expiresAt'>, now: number): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= now;
}

/**
 * What is known of one key without reading its value: a record's metadata (the key index holds
 * these; commit hooks and layers see them). Declared with the record, below every layer.
 */
export interface KeyMeta {
  size: number;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
}
