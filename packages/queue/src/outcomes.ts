import { StowageError, isRetryable, toStowageError } from '@stowage/core';
import type { QueueEntry } from './types.js';

/** A handler verdict after checking and error mapping. */
export type ResolvedOutcome =
  | { status: 'done' }
  | { status: 'retry'; error?: StowageError }
  | { status: 'dead'; error: StowageError };

/** Outcomes aligned with the batch, plus what was wrong with the handler's answer (if anything). */
export interface ResolvedOutcomes {
  outcomes: ResolvedOutcome[];
  problem?: StowageError;
}

/**
 * Verdicts for a batch whose handler threw. One failure says nothing about any single entry, so
 * every entry gets the same verdict: `retry` when the error is retryable per core's `isRetryable`
 * (transport trouble, and any non-Stowage error such as a TypeError, which maps to `internal`),
 * `dead` when the handler threw a permanent StowageError (e.g. `permission-denied`) on purpose.
 */
export function outcomesOfThrow(count: number, thrown: unknown): ResolvedOutcomes {
  const error = toStowageError(thrown, 'queue handler');
  const outcome: ResolvedOutcome = isRetryable(error) ? { status: 'retry', error } : { status: 'dead', error };
  return { outcomes: Array.from({ length: count }, () => outcome) };
}

function resolveOne(raw: unknown, index: number): ResolvedOutcome | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { status, error } = raw as { status?: unknown; error?: unknown };
  switch (status) {
    case 'done':
      return { status: 'done' };
    case 'retry':
      return error === undefined ? { status: 'retry' } : { status: 'retry', error: toStowageError(error, `queue handler (entry ${index})`) };
    case 'dead':
      return { status: 'dead', error: toStowageError(error ?? 'no error given', `queue handler (entry ${index})`) };
    default:
      return undefined;
  }
}

/**
 * Checks what the handler returned. A malformed answer is a bug in the handler, never a reason to
 * lose or drop an entry: the affected entries are retried (with backoff) and `problem` is reported.
 */
export function resolveOutcomes(entries: readonly QueueEntry<unknown>[], result: unknown): ResolvedOutcomes {
  if (!Array.isArray(result) || result.length !== entries.length) {
    const got = Array.isArray(result) ? `${result.length} outcomes` : typeof result;
    const problem = new StowageError('internal', `queue handler returned ${got} for ${entries.length} entries`, { details: { expected: entries.length } });
    return { outcomes: entries.map(() => ({ status: 'retry', error: problem })), problem };
  }
  let problem: StowageError | undefined;
  const outcomes = result.map((raw: unknown, index): ResolvedOutcome => {
    const resolved = resolveOne(raw, index);
    if (resolved) return resolved;
    problem ??= new StowageError('internal', `queue handler returned an invalid outcome at index ${index}`, { details: { index } });
    return { status: 'retry', error: problem };
  });
  return problem ? { outcomes, problem } : { outcomes };
}
