import { StowageError, toStowageError } from '@stowage/core';
import type { MiniFailResult } from './mini-types.js';

const MB = 1024 * 1024;

/** `10485760` → `'10'`, `1572864` → `'1.5'`: the platform writes its limit in whole (or decimal) Mb. */
function megabytes(bytes: number): string {
  return String(Math.round((bytes / MB) * 100) / 100);
}

/**
 * The `errMsg` the mini-program platform reports for a failure of `api`. The texts of the
 * platform's own failures are kept verbatim so ported code that matches on them keeps working:
 *
 * | code               | errMsg                                                     |
 * | ------------------ | ---------------------------------------------------------- |
 * | `not-found`        | `getStorage:fail data not found`                           |
 * | `too-large`        | `setStorage:fail:entry size limit reached`                 |
 * | `quota-exceeded`   | `setStorage:fail exceed storage max size 10Mb`             |
 * | `invalid-argument` | `setStorage:fail parameter error: parameter.key should be String instead of Number;` |
 * | anything else      | `<api>:fail <StowageError message>`                        |
 */
export function errMsgOf(api: string, err: StowageError): string {
  switch (err.code) {
    case 'not-found':
      return `${api}:fail data not found`;
    case 'too-large':
      // The WeChat client's own wording, colon included.
      return `${api}:fail:entry size limit reached`;
    case 'quota-exceeded': {
      const limit = err.details.limit;
      return typeof limit === 'number' ? `${api}:fail exceed storage max size ${megabytes(limit)}Mb` : `${api}:fail exceed storage max size`;
    }
    case 'invalid-argument':
      return `${api}:fail ${err.message.startsWith('parameter error') ? err.message : `parameter error: ${err.message}`}`;
    default:
      return `${api}:fail ${err.message}`;
  }
}

/** The object `fail`/`complete` receive and the promise rejects with. */
export function failResult(api: string, e: unknown): MiniFailResult {
  const error = toStowageError(e, api);
  return { errMsg: errMsgOf(api, error), error, cause: error, code: error.code };
}

/** A StowageError thrown by a `*Sync` API: its message is the platform's `errMsg` (also on `errMsg`). */
export type MiniSyncError = StowageError & { readonly errMsg: string };

/** Wraps a failure of a `*Sync` API: same `code`, the original error as `cause`, the platform's text. */
export function syncError(api: string, e: unknown): MiniSyncError {
  const err = toStowageError(e, api);
  const errMsg = errMsgOf(api, err);
  const out = new StowageError(err.code, errMsg, { cause: err, details: { ...err.details, errMsg } });
  Object.defineProperty(out, 'errMsg', { value: errMsg, enumerable: true });
  return out as MiniSyncError;
}
