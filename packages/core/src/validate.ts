import { StowageError } from './errors.js';

/** Longest key accepted, in UTF-16 code units. */
export const MAX_KEY_LENGTH = 1024;

/** Rejects anything that is not a usable key: non-strings, '', over-long keys, NUL characters. */
export function validateKey(key: unknown, maxLength = MAX_KEY_LENGTH): asserts key is string {
  if (typeof key !== 'string') {
    throw new StowageError('invalid-argument', `key must be a string, got ${key === null ? 'null' : typeof key}`, {
      details: { key: String(key), reason: 'type' },
    });
  }
  if (key === '') throw new StowageError('invalid-argument', 'key must not be empty', { details: { key, reason: 'empty' } });
  if (key.length > maxLength) {
    throw new StowageError('invalid-argument', `key is ${key.length} characters, over the limit of ${maxLength}`, {
      details: { key: key.slice(0, 64), reason: 'too-long', maxLength },
    });
  }
  if (key.includes('\u0000')) {
    throw new StowageError('invalid-argument', 'key must not contain U+0000 (reserved for internal records)', {
      details: { key, reason: 'reserved-character' },
    });
  }
}

/** A namespace prefix: 1–128 characters, no ':' (the separator) and no U+0000. */
export function validatePrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || prefix === '' || prefix.length > 128 || prefix.includes(':') || prefix.includes('\u0000')) {
    throw new StowageError('invalid-argument', `prefix must be 1–128 characters without ':' or U+0000, got ${JSON.stringify(prefix)}`, {
      details: { prefix: String(prefix) },
    });
  }
}

/** Throws `invalid-argument` when `options` has a key outside `allowed` (catches typos like `{ tll: 5 }`). */
export function checkOptions(options: unknown, allowed: readonly string[], where: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new StowageError('invalid-argument', `${where}: options must be an object`, { details: { where } });
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw new StowageError('invalid-argument', `${where}: unknown option "${k}" (allowed: ${allowed.join(', ')})`, {
        details: { where, option: k },
      });
    }
  }
}

/** A schema version: an integer ≥ 1. */
export function checkSchema(value: unknown, name: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new StowageError('invalid-argument', `${name} must be an integer ≥ 1`, { details: { option: name } });
  }
}

/** A duration in milliseconds: a positive finite number. */
export function checkDuration(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new StowageError('invalid-argument', `${name} must be a positive number of milliseconds, got ${String(value)}`, {
      details: { option: name },
    });
  }
}
