import { STOWAGE_ERROR_CODES, toStowageError } from '@stowage/core';
import type { StowageErrorCode } from '@stowage/core';

/** The `StowageError` code of anything thrown (mapped as core maps browser errors). */
export function errorCode(err: unknown): StowageErrorCode {
  const code = toStowageError(err, 'operation').code;
  return STOWAGE_ERROR_CODES.includes(code) ? code : 'internal';
}
