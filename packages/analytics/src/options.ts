import { StowageError } from '@stowage/core';


const bad = (message: string, option: string, value?: unknown): StowageError =>
  new StowageError('invalid-argument', message, { details: { option, ...(value === undefined ? {} : { value: describe(value) }) } });

const describe = (v: unknown): string | number | boolean => (typeof v === 'number' || typeof v === 'boolean' ? v : v === null ? 'null' : typeof v);

/** Unknown-option check, shared with core. */
export { checkOptions } from '@stowage/core';

/** A positive finite number (milliseconds). */
export function checkPositive(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw bad(`${name} must be a positive finite number, got ${String(describe(value))}`, name, value);
  }
}

/** An integer in [min, max]. */
export function checkInteger(value: unknown, name: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`${name} must be an integer from ${min} to ${max}, got ${String(describe(value))}`, name, value);
  }
}

/** A finite number ≥ 0. */
export function checkNonNegative(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw bad(`${name} must be a finite number ≥ 0, got ${String(describe(value))}`, name, value);
  }
}

/** A string of 1 to `max` characters. */
export function checkName(value: unknown, name: string, max: number): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw bad(`${name} must be a string of 1 to ${max} characters`, name, value);
  }
}

/** An object having every listed method. */
export function checkMethods(value: unknown, methods: readonly string[], name: string): void {
  const o = value as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || methods.some((m) => typeof o[m] !== 'function')) {
    throw bad(`${name} must be an object with ${methods.join(', ')}`, name, value);
  }
}

/** An optional callback. */
export function checkFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') throw bad(`${name} must be a function, got ${String(describe(value))}`, name, value);
}
