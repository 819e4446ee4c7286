import { StowageError } from '@stowage/core';

/** Unknown-option check, shared with core (one message for typos everywhere). */
export { checkOptions } from '@stowage/core';

/** A positive number of milliseconds (or bytes / entries when `allowInfinity` and it is a limit). */
export function checkPositive(value: unknown, name: string, allowInfinity = false): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new StowageError('invalid-argument', `${name} must be a positive ${allowInfinity ? '' : 'finite '}number, got ${String(value)}`, {
      details: { option: name, value: typeof value === 'number' ? value : String(value) },
    });
  }
}

/** A TTL option: a positive finite number of ms, or `null` for "never expires". `undefined` = not given. */
export function checkTtl(value: unknown, name: string): asserts value is number | null | undefined {
  if (value === undefined || value === null) return;
  checkPositive(value, name);
}

/** An optional callback. */
export function checkFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new StowageError('invalid-argument', `${name} must be a function, got ${value === null ? 'null' : typeof value}`, {
      details: { option: name },
    });
  }
}

/** An optional boolean flag. */
export function checkBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new StowageError('invalid-argument', `${name} must be a boolean, got ${typeof value}`, { details: { option: name } });
  }
}

/** Something usable as a `Storage` (a layer needs at least reads and change events). */
export function checkStorage(value: unknown, where: string): void {
  const s = value as { get?: unknown; subscribe?: unknown } | null | undefined;
  if (typeof s?.get !== 'function' || typeof s.subscribe !== 'function') {
    throw new StowageError('invalid-argument', `${where} needs a Storage (createStorage(...))`, { details: { option: 'storage' } });
  }
}
