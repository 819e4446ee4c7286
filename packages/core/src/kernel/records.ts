import { StowageError } from '../errors.js';
import type { KeyMeta } from '../layers/key-index.js';
import { isStoredRecord } from '../record.js';
import type { StoredRecord } from '../record.js';
import { utf8Length } from '../serialize.js';

/** Index metadata of a record. */
export function metaOf(r: StoredRecord): KeyMeta {
  return r.expiresAt === undefined
    ? { size: r.size, createdAt: r.createdAt, updatedAt: r.updatedAt }
    : { size: r.size, createdAt: r.createdAt, updatedAt: r.updatedAt, expiresAt: r.expiresAt };
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

/**
 * Whether `err` is a batch that failed a check: a `check` op (`check-failed`) or a commit check of
 * a codec (`stale-encoding`). Such a batch wrote nothing (atomic drivers); read again and retry.
 */
export function checkFailed(err: unknown): err is StowageError & { details: Record<string, unknown> } {
  return err instanceof StowageError && err.code === 'conflict' && (err.details.reason === 'check-failed' || err.details.reason === 'stale-encoding');
}

/**
 * A `check` test: the stored value is still the version `seen` was read as. Rewrites keep
 * timestamps, so a concurrent logical write shows in `updatedAt`; size and bytes catch another
 * rewrite of the same record. Timestamps are milliseconds: a write in the same millisecond as the
 * one seen, of a value the same size, shows only in the value itself, so plain values are compared
 * too (encoded ones differ in their bytes).
 */
export function sameVersion(seen: unknown): (value: unknown) => boolean {
  if (!isStoredRecord(seen)) {
    const text = foreignText(seen);
    return (v) => v !== undefined && !isStoredRecord(v) && foreignText(v) === text;
  }
  return (v) =>
    isStoredRecord(v) && v.updatedAt === seen.updatedAt && v.createdAt === seen.createdAt && v.size === seen.size && v.s === seen.s && sameBytes(v.data, seen.data) &&
    foreignText(v.value) === foreignText(seen.value); // encoded records have no value: both undefined
}

function foreignText(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The envelope of what is stored under `key`: the record, or a foreign value wrapped as schema 0. */
export function recordOf(key: string, raw: unknown): StoredRecord {
  return isStoredRecord(raw) ? raw : adopt(key, raw);
}
