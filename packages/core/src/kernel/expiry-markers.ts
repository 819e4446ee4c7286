import type { DriverOp } from '../driver.js';
import { toRow } from '../envelope.js';
import { ttlPrefix } from '../reserved-keys.js';
import type { Change } from './layer.js';

/**
 * Expiry markers: beside every record that carries `expiresAt`, a reserved key
 * `\0ttl/{prefix}/k/{key}` holding that `expiresAt`, written in the same driver batch as the
 * record. `keys()` then needs one `getAllKeys` of the namespace plus a read of the markers (few:
 * only expiring records have one) instead of every record.
 *
 * The invariant `keys()` relies on: every record with `expiresAt` has a marker with the same
 * value. Stale markers (the key was removed, or rewritten without expiry or with another one)
 * are harmless: a marker only makes `keys()` read that one record to decide. So markers are
 * written with every expiring put, deleted with expired records, and otherwise left to `keys()`
 * to clean up, never deleted without a check that they are still stale.
 */

/** Key of the marker flag: present once every expiring record of the namespace has its marker. */
export function builtKey(prefix: string): string {
  return `${ttlPrefix(prefix)}built`;
}

/** Prefix of the markers themselves (`markersPrefix + key`). */
export function markersPrefix(prefix: string): string {
  return `${ttlPrefix(prefix)}k/`;
}

/**
 * The driver ops of a commit's changes: an expiring put is preceded by its marker (so a driver
 * whose batches are not atomic, stopped between the two, leaves a marker without its record —
 * harmless — never a record without its marker); an expiry delete also deletes the marker.
 * Plain puts and removes cost no extra op.
 */
export function changeOps(prefix: string, dp: string, changes: readonly Change[]): DriverOp[] {
  const ops: DriverOp[] = [];
  const mp = markersPrefix(prefix);
  for (const x of changes) {
    if (x.type === 'put') {
      if (x.record.expiresAt !== undefined) ops.push({ type: 'put', key: mp + x.key, value: x.record.expiresAt });
      ops.push({ type: 'put', key: dp + x.key, value: toRow(x.key, x.record) }); // record format v2
    } else {
      ops.push({ type: 'delete', key: dp + x.key });
      if (x.reason === 'expired') ops.push({ type: 'delete', key: mp + x.key });
    }
  }
  return ops;
}
