import { expect } from 'vitest';
import { StowageError, type Driver } from '@stowage/core';

/** Makes a fresh, empty driver for one test (a new database name, key prefix, …). */
export type DriverFactory = () => Driver | Promise<Driver>;

/** Asserts `promise` rejects with a {@link StowageError}, optionally of `code`, and returns it. */
export async function expectStowageError(promise: Promise<unknown>, code?: StowageError['code']): Promise<StowageError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection with a StowageError').toBeInstanceOf(StowageError);
  if (code !== undefined) expect((err as StowageError).code).toBe(code);
  return err as StowageError;
}

/** Asserts `value` is a Uint8Array with exactly the bytes of `expected` (any realm). */
export function expectBytes(value: unknown, expected: Uint8Array): void {
  expect(Object.prototype.toString.call(value)).toBe('[object Uint8Array]');
  const bytes = value as Uint8Array;
  expect(bytes.length).toBe(expected.length);
  // Compare as plain arrays so a mismatch shows the differing byte, not just "not equal".
  expect(Array.from(bytes)).toEqual(Array.from(expected));
}

/** Every byte value, then a pseudo-random tail: catches encodings that only keep ASCII or lengths. */
export function sampleBytes(length = 1024): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = i < 256 ? i : x & 0xff;
  }
  return bytes;
}

/**
 * Keys that break naive implementations: '' and '\u0000', prefix siblings ('a:' / 'ab:' / 'a:b'),
 * non-ASCII, a surrogate pair that sorts before '\uffff' in code-unit order (after it in code
 * point order), keys beyond `prefix + '\uffff'`, and characters that matter in URLs or paths.
 */
export const TRICKY_KEYS: readonly string[] = [
  'b', 'a', 'a:b', 'ab:', 'a:', '', '\u0000', 'a\u0000', 'a\u0000b', 'é', 'e', 'z', 'Z', '日本', '😀',
  '\uffff', 'a\uffff', 'a\uffff\uffffz', 'a/b', 'a%2Fb', 'a b', '10', '9', '$t', '__proto__',
];
