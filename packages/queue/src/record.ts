import { STOWAGE_ERROR_CODES, StowageError } from '@stowage/core';
import type { StowageErrorCode } from '@stowage/core';
import type { DeadLetter, QueueEntry } from './types.js';

/**
 * Stored shapes. Errors are kept as `{ code, message }` only: a StowageError's `cause` and
 * `details` may hold values that cannot be structured-cloned (and must not make the write fail).
 */
export interface ErrorRecord {
  code: StowageErrorCode;
  message: string;
}

/** A pending entry as stored under `\u0000q/{name}/e/{id}` (the id is the key's tail). */
export interface EntryRecord {
  v: 1;
  payload: unknown;
  scope?: string;
  coalesceKey?: string;
  enqueuedAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError?: ErrorRecord;
}

/** A dead letter as stored under `\u0000q/{name}/dead/{id}`. */
export interface DeadRecord {
  v: 1;
  entryId: string;
  entry: EntryRecord;
  error: ErrorRecord;
  deadAt: number;
}

/** A StowageError reduced to what survives storage and BroadcastChannel. */
export function errorRecord(error: StowageError): ErrorRecord {
  return { code: error.code, message: error.message };
}

/** The StowageError back from its record. */
export function fromErrorRecord(r: ErrorRecord): StowageError {
  return new StowageError(r.code, r.message);
}

/** Whether `x` is a stored error this code can read. */
export function isErrorRecord(x: unknown): x is ErrorRecord {
  const r = x as Partial<ErrorRecord> | null;
  return typeof r === 'object' && r !== null && typeof r.message === 'string' && STOWAGE_ERROR_CODES.includes(r.code as StowageErrorCode);
}

const optString = (x: unknown): boolean => x === undefined || typeof x === 'string';
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Whether `x` is an entry record this code can read (anything else is reported, never delivered). */
export function isEntryRecord(x: unknown): x is EntryRecord {
  const r = x as Partial<EntryRecord> | null;
  return (
    typeof r === 'object' && r !== null && r.v === 1 && 'payload' in r && optString(r.scope) && optString(r.coalesceKey) &&
    isTime(r.enqueuedAt) && isTime(r.nextAttemptAt) && Number.isInteger(r.attempts) && (r.attempts as number) >= 0 &&
    (r.lastError === undefined || isErrorRecord(r.lastError))
  );
}

/** Whether `x` is a dead-letter record this code can read. */
export function isDeadRecord(x: unknown): x is DeadRecord {
  const r = x as Partial<DeadRecord> | null;
  return typeof r === 'object' && r !== null && r.v === 1 && typeof r.entryId === 'string' && isEntryRecord(r.entry) && isErrorRecord(r.error) && isTime(r.deadAt);
}

/** The public entry of a record. */
export function toEntry<T>(id: string, r: EntryRecord): QueueEntry<T> {
  return {
    id,
    payload: r.payload as T,
    ...(r.scope !== undefined ? { scope: r.scope } : {}),
    ...(r.coalesceKey !== undefined ? { coalesceKey: r.coalesceKey } : {}),
    enqueuedAt: r.enqueuedAt,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    ...(r.lastError ? { lastError: fromErrorRecord(r.lastError) } : {}),
  };
}

/** The record of a public entry. */
export function toRecord(entry: QueueEntry<unknown>): EntryRecord {
  return {
    v: 1,
    payload: entry.payload,
    ...(entry.scope !== undefined ? { scope: entry.scope } : {}),
    ...(entry.coalesceKey !== undefined ? { coalesceKey: entry.coalesceKey } : {}),
    enqueuedAt: entry.enqueuedAt,
    attempts: entry.attempts,
    nextAttemptAt: entry.nextAttemptAt,
    ...(entry.lastError ? { lastError: errorRecord(entry.lastError) } : {}),
  };
}

/** The public dead letter of a record. */
export function toDeadLetter<T>(id: string, r: DeadRecord): DeadLetter<T> {
  return { id, entry: toEntry<T>(r.entryId, r.entry), error: fromErrorRecord(r.error), deadAt: r.deadAt };
}
