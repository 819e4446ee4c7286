/**
 * Surfaces an error that has no caller to reject (a throwing callback, a failed background refresh)
 * without breaking the operation that ran into it: `reportError` where the platform has it (the
 * browser logs it and fires `error` on the global), else an asynchronous rethrow — so it is never
 * swallowed silently.
 */
export function reportError(err: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (typeof report === 'function') {
    report(err);
    return;
  }
  queueMicrotask(() => {
    throw err;
  });
}
