/**
 * The one error class of Stowage. Every failure a caller can see is a `StowageError` with a `code`
 * from {@link StowageErrorCode}; browser exceptions (DOMException, TypeError, …) are mapped at the
 * boundary where they happen and kept as `cause`.
 */
export type StowageErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'quota-exceeded'
  | 'too-large'
  | 'unavailable'
  | 'aborted'
  | 'decode-failed'
  | 'decrypt-failed'
  | 'conflict'
  | 'permission-denied'
  | 'closed'
  | 'internal';

/** Every code, for exhaustive checks and for validating codes that arrive over the wire. */
export const STOWAGE_ERROR_CODES: readonly StowageErrorCode[] = [
  'invalid-argument',
  'not-found',
  'quota-exceeded',
  'too-large',
  'unavailable',
  'aborted',
  'decode-failed',
  'decrypt-failed',
  'conflict',
  'permission-denied',
  'closed',
  'internal',
];

/** Options of {@link StowageError}. */
export interface StowageErrorOptions {
  /** The underlying error (a DOMException, a TypeError, a FirestoreError, …). */
  cause?: unknown;
  /** Machine-readable context: the key, the limit, the path inside a value, … */
  details?: Record<string, unknown>;
}

/** A typed Stowage failure. Switch on `code`; `details` says what and where. */
export class StowageError extends Error {
  override readonly name = 'StowageError';
  readonly code: StowageErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: StowageErrorCode, message: string, options: StowageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `err` is a {@link StowageError}, optionally of the given code. */
export function isStowageError(err: unknown, code?: StowageErrorCode): err is StowageError {
  return err instanceof StowageError && (code === undefined || err.code === code);
}

const RETRYABLE: ReadonlySet<StowageErrorCode> = new Set(['unavailable', 'aborted', 'internal']);

/**
 * Whether trying the same operation again later may succeed: transient transport or storage
 * failures yes; bad input, missing data, wrong keys and permission problems no.
 */
export function isRetryable(err: unknown): boolean {
  return err instanceof StowageError && RETRYABLE.has(err.code);
}

/**
 * Maps anything thrown by a browser storage API to a {@link StowageError}. DOMException names are
 * the stable part of the platform contract, so mapping happens on `name`, never on the message.
 */
export function toStowageError(err: unknown, context: string, details?: Record<string, unknown>): StowageError {
  if (err instanceof StowageError) return err;
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
  const message = err instanceof Error ? err.message : String(err);
  const opts: StowageErrorOptions = { cause: err, ...(details ? { details } : {}) };
  switch (name) {
    case 'QuotaExceededError':
      return new StowageError('quota-exceeded', `${context}: storage quota exceeded`, opts);
    case 'DataCloneError':
    case 'DataError':
      return new StowageError('invalid-argument', `${context}: ${message}`, opts);
    case 'InvalidStateError':
      return new StowageError('closed', `${context}: the database connection is closed`, opts);
    case 'AbortError':
    case 'TransactionInactiveError':
    case 'TimeoutError':
      return new StowageError('aborted', `${context}: ${message || 'transaction aborted'}`, opts);
    case 'NotFoundError':
    case 'SecurityError':
    case 'UnknownError':
    case 'VersionError':
      return new StowageError('unavailable', `${context}: ${message || name}`, opts);
    case 'OperationError':
      return new StowageError('decrypt-failed', `${context}: ${message || 'operation failed'}`, opts);
    default:
      return new StowageError('internal', `${context}: ${message}`, opts);
  }
}
