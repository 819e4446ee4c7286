import type { DriverOp, EntriesOptions } from './driver.js';
import { StowageError } from './errors.js';

/**
 * Argument checks shared by every driver in this package. Drivers sit at the boundary where
 * untyped JavaScript meets the backend, so a wrong type must become `invalid-argument` here —
 * otherwise `clear(undefined)` could widen into "clear everything" or a numeric key could be
 * silently coerced into a different string key.
 */

function invalid(context: string, message: string, details: Record<string, unknown> = {}): StowageError {
  return new StowageError('invalid-argument', `${context}: ${message}`, { details });
}

/** Throws `invalid-argument` unless `key` is a string. */
export function assertKey(key: unknown, context: string): asserts key is string {
  if (typeof key !== 'string') throw invalid(context, `key must be a string, got ${typeof key}`, { key });
}

/** Throws `invalid-argument` unless `keys` is an array of strings. */
export function assertKeys(keys: unknown, context: string): asserts keys is readonly string[] {
  if (!Array.isArray(keys)) throw invalid(context, 'keys must be an array of strings');
  keys.forEach((key: unknown, index) => {
    if (typeof key !== 'string') throw invalid(context, `keys[${index}] must be a string`, { index });
  });
}

/** Throws `invalid-argument` unless `prefix` is a string (`''` means every key). */
export function assertPrefix(prefix: unknown, context: string): asserts prefix is string {
  if (typeof prefix !== 'string') {
    throw invalid(context, `prefix must be a string ('' for all keys), got ${typeof prefix}`);
  }
}

/**
 * Throws `invalid-argument` unless `ops` is an array of well-formed {@link DriverOp}s. A `put` of
 * `undefined` is refused: `get` reports an absent key as `undefined`, so such a write could never
 * be told apart from a missing one.
 */
export function assertOps(ops: unknown, context: string): asserts ops is readonly DriverOp[] {
  if (!Array.isArray(ops)) throw invalid(context, 'ops must be an array');
  ops.forEach((op: unknown, index) => {
    if (typeof op !== 'object' || op === null) throw invalid(context, `ops[${index}] must be an object`, { index });
    const { type, key } = op as { type?: unknown; key?: unknown };
    if (type !== 'put' && type !== 'delete' && type !== 'check') {
      throw invalid(context, `ops[${index}].type must be 'put', 'delete' or 'check'`, { index, type });
    }
    if (typeof key !== 'string') throw invalid(context, `ops[${index}].key must be a string`, { index });
    if (type === 'put' && (op as { value?: unknown }).value === undefined) {
      throw invalid(context, `ops[${index}] puts undefined; delete the key instead`, { index, key });
    }
    if (type === 'check' && typeof (op as { test?: unknown }).test !== 'function') {
      throw invalid(context, `ops[${index}].test must be a function`, { index, key });
    }
  });
}

/**
 * Runs a `check` op's test on the value its key holds (as the batch sees it). Returns the
 * `conflict` error to reject the batch with, or `undefined` when the check passes. A test that
 * throws fails the check (its error becomes the cause): a batch must never commit on a guess.
 */
export function failedCheck(op: { key: string; test: (value: unknown) => boolean }, value: unknown, context: string, index: number): StowageError | undefined {
  let ok: boolean;
  let cause: unknown;
  try {
    ok = op.test(value) === true;
  } catch (err) {
    ok = false;
    cause = err;
  }
  if (ok) return undefined;
  return new StowageError('conflict', `${context}: check of '${op.key}' failed`, {
    ...(cause === undefined ? {} : { cause }),
    details: { reason: 'check-failed', key: op.key, index },
  });
}

/** Checks {@link EntriesOptions} and returns them with defaults filled in. */
export function checkEntriesOptions(options: unknown, context: string): EntriesOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalid(context, 'options must be an object');
  const { after, limit } = options as { after?: unknown; limit?: unknown };
  if (after !== undefined && typeof after !== 'string') throw invalid(context, 'options.after must be a string');
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) {
    throw invalid(context, 'options.limit must be a non-negative integer', { limit });
  }
  return { ...(after !== undefined ? { after } : {}), ...(limit !== undefined ? { limit } : {}) };
}
