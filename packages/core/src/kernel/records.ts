import { StowageError } from '../errors.js';
import { recordOf } from '../envelope.js';
import { isStoredRecord } from '../record.js';
import type { KeyMeta, StoredRecord } from '../record.js';

/** Index metadata of a record. */
export function metaOf(r: StoredRecord): KeyMeta {
  return r.expiresAt === undefined
    ? { size: r.size, createdAt: r.createdAt, updatedAt: r.updatedAt }
    : { size: r.size, createdAt: r.createdAt, updatedAt: r.updatedAt, expiresAt: r.expiresAt };
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
 * too (encoded ones differ in their bytes). Envelopes are compared as records, so the same record
 * as a v1 envelope and as a v2 row (the format migration's rewrite) is the same version.
 */
export function sameVersion(seen: unknown): (value: unknown) => boolean {
  if (!isStoredRecord(seen)) {
    const text = foreignText(seen);
    return (v) => v !== undefined && !isStoredRecord(v) && foreignText(v) === text;
  }
  const a = recordOf('', seen);
  return (v) => {
    if (!isStoredRecord(v)) return false;
    const b = recordOf('', v);
    return b.updatedAt === a.updatedAt && b.createdAt === a.createdAt && b.size === a.size && b.s === a.s && sameBytes(b.data, a.data) &&
      foreignText(b.value) === foreignText(a.value); // encoded records have no value: both undefined
  };
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
