import { StowageError, type StowageErrorCode } from '@stowage/core';

/**
 * FirestoreError codes → Stowage codes, so `isRetryable()` from core is right at this boundary:
 * transport trouble is `unavailable` (retry with backoff), permission and input problems are
 * permanent. The Lite SDK derives codes from HTTP statuses only (500 → `unknown`, 409 → `aborted`,
 * 400 → `failed-precondition`; a dropped socket → `unknown`), hence `unknown` counts as transport.
 */
const CODES: Record<string, StowageErrorCode> = {
  cancelled: 'aborted',
  unknown: 'unavailable',
  unavailable: 'unavailable',
  'deadline-exceeded': 'unavailable',
  'resource-exhausted': 'unavailable',
  internal: 'unavailable',
  'data-loss': 'unavailable',
  aborted: 'aborted',
  'permission-denied': 'permission-denied',
  // A token problem: retrying cannot help until the app signs in again.
  unauthenticated: 'permission-denied',
  'invalid-argument': 'invalid-argument',
  'out-of-range': 'invalid-argument',
  'not-found': 'not-found',
  'already-exists': 'conflict',
  unimplemented: 'internal',
};

/** Whether `err` looks like a FirestoreError (matched on shape: the SDK may be loaded twice). */
export function firestoreCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { name, code } = err as { name?: unknown; code?: unknown };
  return name === 'FirebaseError' && typeof code === 'string' ? code : undefined;
}

/**
 * Maps anything thrown by the SDK or the network to a {@link StowageError} (kept as `cause`).
 * `failed-precondition` is contention inside a transaction (retryable `aborted`) and a permanent
 * problem elsewhere (a query needing an index: `invalid-argument`).
 */
export function toRemoteError(err: unknown, context: string, inTransaction = false): StowageError {
  if (err instanceof StowageError) return err;
  const code = firestoreCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined) {
    const mapped = code === 'failed-precondition' ? (inTransaction ? 'aborted' : 'invalid-argument') : (CODES[code] ?? 'internal');
    return new StowageError(mapped, `${context}: ${message}`, { cause: err, details: { firestoreCode: code } });
  }
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  if (name === 'AbortError' || name === 'TimeoutError') return new StowageError('aborted', `${context}: ${message}`, { cause: err });
  // fetch() rejects with a TypeError when the network is down or the connection drops.
  if (err instanceof TypeError) return new StowageError('unavailable', `${context}: ${message}`, { cause: err });
  return new StowageError('internal', `${context}: ${message}`, { cause: err });
}
