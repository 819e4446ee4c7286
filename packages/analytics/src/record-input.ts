import { StowageError } from '@stowage/core';
import type { RecordInput } from './analytics-types.js';
import { checkInteger, checkName, checkNonNegative, checkOptions } from './options.js';
import type { Outcome } from './stats-types.js';

const OUTCOMES: readonly Outcome[] = ['ok', 'hit', 'miss', 'error'];

/** Validates a `record()` input (`invalid-argument` on anything wrong) and resolves its outcome. */
export function checkRecordInput(input: RecordInput): Outcome {
  checkOptions(input, ['op', 'durationMs', 'key', 'keys', 'size', 'outcome', 'error'], 'record');
  if (input === undefined) throw new StowageError('invalid-argument', 'record needs { op, durationMs }');
  checkName(input.op, 'op', 64);
  checkNonNegative(input.durationMs, 'durationMs');
  if (input.key !== undefined && typeof input.key !== 'string') throw new StowageError('invalid-argument', 'key must be a string', { details: { option: 'key' } });
  if (input.keys !== undefined) checkInteger(input.keys, 'keys', 0, Number.MAX_SAFE_INTEGER);
  if (input.size !== undefined) checkNonNegative(input.size, 'size');
  if (input.outcome !== undefined && !OUTCOMES.includes(input.outcome)) {
    throw new StowageError('invalid-argument', `outcome must be one of ${OUTCOMES.join(', ')}`, { details: { option: 'outcome' } });
  }
  return input.outcome ?? (input.error !== undefined ? 'error' : 'ok');
}
