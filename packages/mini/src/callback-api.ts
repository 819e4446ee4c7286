import { StowageError } from '@stowage/core';
import { failResult } from './err-msg.js';
import type { MiniErrorContext, MiniFailResult, MiniResult } from './mini-types.js';
import { typeName } from './params.js';

/** Where isolated failures (throwing callbacks, failed write-behinds) go. */
export type Reporter = (error: StowageError, context: MiniErrorContext) => void;

const CALLBACKS = ['success', 'fail', 'complete'] as const;
type CallbackName = (typeof CALLBACKS)[number];

/**
 * Runs one async mini API call the way the platform does: `success` then `complete` with
 * `{ ...result, errMsg: '<api>:ok' }`, or `fail` then `complete` with the failure object — always
 * after the call returned — and also returns a promise of the same object (rejecting with the
 * failure object). A callback that throws is reported, never allowed to break the call or the
 * storage. When the caller passes any callback the promise's rejection is marked handled, as on
 * the platform (which returns no promise then), so callback-style code that ignores the promise
 * causes no unhandled rejection.
 */
export function runAsync<S extends MiniResult>(
  api: string,
  params: Record<string, unknown>,
  work: () => Promise<Omit<S, 'errMsg'>> | Omit<S, 'errMsg'>,
  report: Reporter,
): Promise<S> {
  const cbs: Partial<Record<CallbackName, (r: unknown) => void>> = {};
  let badCallback: StowageError | undefined;
  for (const name of CALLBACKS) {
    const fn = params[name];
    if (typeof fn === 'function') cbs[name] = fn as (r: unknown) => void;
    else if (fn !== undefined) {
      badCallback ??= new StowageError('invalid-argument', `parameter error: parameter.${name} should be Function instead of ${typeName(fn)};`, {
        details: { param: name, reason: 'type' },
      });
    }
  }
  const call = (name: CallbackName, result: unknown): void => {
    const fn = cbs[name];
    if (!fn) return;
    try {
      fn(result);
    } catch (cause) {
      report(new StowageError('internal', `${api}: the ${name} callback threw`, { cause, details: { api, callback: name } }), { operation: 'callback', keys: [] });
    }
  };
  const p = (async () => {
    if (badCallback) throw badCallback;
    return { ...(await work()), errMsg: `${api}:ok` } as S;
  })().then(
    (res) => {
      call('success', res);
      call('complete', res);
      return res;
    },
    (e: unknown) => {
      const f: MiniFailResult = failResult(api, e);
      call('fail', f);
      call('complete', f);
      throw f;
    },
  );
  // On the platform a call given any callback returns no promise: its failures go to `fail` or
  // nowhere. The promise here is extra, so its rejection must not surface as unhandled.
  if (cbs.success || cbs.fail || cbs.complete) p.catch(() => undefined);
  return p;
}
