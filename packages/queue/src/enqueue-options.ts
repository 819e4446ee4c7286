import { StowageError } from '@stowage/core';
import type { EnqueueOptions } from './types.js';

/** Checks the options of `enqueue` / `prepare` (typos included); `invalid-argument` otherwise. */
export function checkEnqueueOptions(opts: unknown): EnqueueOptions {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null) throw new StowageError('invalid-argument', 'queue enqueue: options must be an object');
  const { scope, coalesceKey, ...rest } = opts as EnqueueOptions;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new StowageError('invalid-argument', `queue enqueue: unknown option "${unknown}"`, { details: { option: unknown } });
  for (const [name, value] of [['scope', scope], ['coalesceKey', coalesceKey]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new StowageError('invalid-argument', `queue enqueue: ${name} must be a non-empty string`, { details: { option: name } });
    }
  }
  return { ...(scope !== undefined ? { scope } : {}), ...(coalesceKey !== undefined ? { coalesceKey } : {}) };
}
