import { StowageError } from '@stowage/core';

/**
 * Why an AES-GCM operation failed, in `details.reason`:
 * - `wrong-passphrase` / `wrong-key`: the secret does not open the namespace's current key;
 * - `missing-previous-key`: a rotation is in progress and an older key's secret was not supplied;
 * - `unknown-key`: a ciphertext names a key the keyring does not hold (retired, or never known);
 * - `authentication-failed`: tampered, corrupted or wrongly keyed bytes (GCM tag mismatch);
 * - `truncated`, `unsupported-version`, `malformed`: the bytes are not a ciphertext of this format.
 */
export type AesGcmFailureReason =
  | 'wrong-passphrase'
  | 'wrong-key'
  | 'missing-previous-key'
  | 'unknown-key'
  | 'authentication-failed'
  | 'truncated'
  | 'unsupported-version'
  | 'malformed';

/** A `decrypt-failed` error of the aes-gcm codec. */
export function decryptFailed(reason: AesGcmFailureReason, message: string, details: Record<string, unknown> = {}, cause?: unknown): StowageError {
  return new StowageError('decrypt-failed', `aes-gcm: ${message}`, { cause, details: { codec: 'aes-gcm', reason, ...details } });
}

/** An `invalid-argument` error of the aes-gcm codec. */
export function invalidArgument(message: string, details: Record<string, unknown> = {}): StowageError {
  return new StowageError('invalid-argument', `aes-gcm: ${message}`, { details: { codec: 'aes-gcm', ...details } });
}
