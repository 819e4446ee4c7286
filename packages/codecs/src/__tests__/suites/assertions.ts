import { expect } from 'vitest';
import { StowageError, type StowageErrorCode } from '@stowage/core';

/** Awaits `fn` and asserts it failed with a StowageError of `code`; returns the error. */
export async function expectStowageError(fn: () => unknown, code: StowageErrorCode): Promise<StowageError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a StowageError "${code}"`).toBeInstanceOf(StowageError);
  expect((caught as StowageError).code).toBe(code);
  return caught as StowageError;
}

/**
 * Asserts two byte arrays are equal. Vitest's deep `toEqual` walks typed arrays element by element
 * through its generic machinery (seconds for 150 KB); this reports the first difference instead.
 */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  expect(actual.length, 'byte length').toBe(expected.length);
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      first = i;
      break;
    }
  }
  expect(first, 'index of the first differing byte').toBe(-1);
}
