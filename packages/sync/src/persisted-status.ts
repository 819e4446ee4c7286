import { StowageError } from '@stowage/core';
import type { StowageErrorCode } from '@stowage/core';

/** Totals of a namespace's sync on this device, across reloads (every context adds to them). */
export interface SyncCounts {
  /** Keys the remote acknowledged (push outcomes `applied`). */
  pushed: number;
  /** Keys a pull (or a download) changed locally. */
  pulled: number;
  /** Conflicts decided, by pushes and pulls. */
  conflicts: number;
}

/** The last failure as stored: enough to show it again after a reload. */
export interface StoredError {
  code: StowageErrorCode;
  message: string;
  /** The operation it came from (`push`, `pull`, `flush`, `get`, …). */
  operation: string;
  /** Epoch ms it happened. */
  at: number;
}

/** What survives a reload of the status, kept next to the checkpoint (`\u0000sync/{prefix}/status`). */
export interface StoredStatus {
  lastSyncAt?: number;
  lastError?: StoredError;
  counts: SyncCounts;
}

/** A change to the stored status: counts are added, `lastError: null` clears it. */
export interface StatusChange {
  lastSyncAt?: number;
  lastError?: StoredError | null;
  counts?: Partial<SyncCounts>;
}

const count = (v: unknown): number => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : 0);

/** Reads what the store holds (anything malformed, e.g. from a newer version, counts as nothing). */
export function parseStatus(raw: unknown): StoredStatus {
  const r = (raw ?? {}) as Partial<StoredStatus>;
  const c: Partial<SyncCounts> = r.counts ?? {};
  const out: StoredStatus = { counts: { pushed: count(c.pushed), pulled: count(c.pulled), conflicts: count(c.conflicts) } };
  if (Number.isFinite(r.lastSyncAt)) out.lastSyncAt = r.lastSyncAt;
  const e = r.lastError;
  if (typeof e?.code === 'string' && typeof e.message === 'string') out.lastError = e;
  return out;
}

/** `current` with `change` applied; the later sync time wins (another context may have synced since). */
export function applyStatusChange(current: StoredStatus, change: StatusChange): StoredStatus {
  const c = current.counts;
  const d = change.counts ?? {};
  const next: StoredStatus = { counts: { pushed: c.pushed + (d.pushed ?? 0), pulled: c.pulled + (d.pulled ?? 0), conflicts: c.conflicts + (d.conflicts ?? 0) } };
  const at = Math.max(current.lastSyncAt ?? 0, change.lastSyncAt ?? 0);
  if (at > 0) next.lastSyncAt = at;
  const error = change.lastError === undefined ? current.lastError : change.lastError;
  if (error) next.lastError = error;
  return next;
}

/** A stored error as the `StowageError` `status().lastError` shows (its `details` say it was restored). */
export function restoredError(e: StoredError): StowageError {
  return new StowageError(e.code, e.message, { details: { operation: e.operation, at: e.at, restored: true } });
}
