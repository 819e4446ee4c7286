import { StowageError, toStowageError } from '@stowage/core';
import type { Clock } from '@stowage/core';

/**
 * Runs a remote call with a deadline on the injected clock. The call gets a signal that aborts on
 * the deadline or when `outer` aborts, and the returned promise rejects at that moment even if the
 * call ignores its signal — a hung server never hangs the caller: `unavailable` on the deadline,
 * `aborted` (or `outer`'s reason) when `outer` aborts.
 */
export async function withTimeout<T>(clock: Clock, ms: number, operation: string, fn: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
  const ac = new AbortController();
  const onAbort = (): void => ac.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort);
  // A deadline passing is a transport failure (the remote did not answer), not a cancellation.
  const timer = clock.setTimeout(() => ac.abort(new StowageError('unavailable', `${operation}: no answer from the remote within ${ms} ms (timeout)`, { details: { timeoutMs: ms } })), ms);
  const aborted = new Promise<never>((_, reject) => {
    ac.signal.addEventListener('abort', () => reject(toStowageError(ac.signal.reason ?? new StowageError('aborted', `${operation} aborted`), operation)), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([fn(ac.signal), aborted]);
  } finally {
    clock.clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
