import { StowageError } from '@stowage/core';

/** Rejects with `aborted` when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, context: string): void {
  if (signal?.aborted) throw abortError(signal, context);
}

function abortError(signal: AbortSignal, context: string): StowageError {
  return new StowageError('aborted', `${context}: aborted`, { cause: signal.reason });
}

/**
 * Settles with `promise`, or rejects with `aborted` as soon as `signal` aborts. The Lite SDK cannot
 * cancel a request, so the work may still land remotely: callers retry, and every write of this
 * package is idempotent, which makes that safe. A hung server thus never hangs a caller whose
 * signal carries a timeout (`AbortSignal.timeout(ms)`).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, context: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // the abandoned request's late failure is nobody's business now
    return Promise.reject(abortError(signal, context));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, context));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Waits `ms`, or rejects with `aborted` when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal | undefined, context: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return abortable(wait, signal, context).finally(() => clearTimeout(timer));
}
