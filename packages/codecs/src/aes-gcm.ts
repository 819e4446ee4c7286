import { invalidArgument } from './aes-gcm-errors.js';
import { isValidKeyId } from './aes-gcm-format.js';
import { MIN_PBKDF2_ITERATIONS, assertAesKey, assertIterations, assertPassphrase, type Secret } from './aes-gcm-keys.js';
import { AesGcmCodecImpl } from './aes-gcm-codec.js';
import type { AesGcmCodec, AesGcmCodecOptions } from './aes-gcm-types.js';

export type * from './aes-gcm-types.js';
export type { AesGcmFailureReason } from './aes-gcm-errors.js';
export type { AesGcmMeta, KeyEntry } from './aes-gcm-meta.js';
export { AES_GCM_META } from './aes-gcm-meta.js';
export { MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS } from './aes-gcm-keys.js';
export { FORMAT_VERSION as AES_GCM_FORMAT_VERSION } from './aes-gcm-format.js';
export {
  rotateKey,
  resumeRotation,
  type ReencodableStorage,
  type RotateKeyOptions,
  type ResumeRotationOptions,
  type RotationResult,
} from './rotate-key.js';

function assertKeyId(keyId: unknown, option: string): void {
  if (!isValidKeyId(keyId)) throw invalidArgument(`${option} must be a non-empty string of at most 255 UTF-8 bytes`, { option });
}

/**
 * AES-256-GCM encryption over WebCrypto, codec id `'aes-gcm'`. Each ciphertext is
 * `version · key id · random 96-bit IV · ciphertext+tag` (header authenticated), so every record
 * names the key that encrypted it. Keys come from a passphrase (PBKDF2-HMAC-SHA256, 600 000 to
 * 10 000 000 iterations, random salt in the namespace's metadata) or from the caller (`key` +
 * `keyId`), and are never extractable when derived here. Ciphertexts of passphrase keys also carry
 * salt and iterations, so another device with the same passphrase (its own keyring, its own salt)
 * opens records synced from this one: one PBKDF2 derivation per such key, then cached. A wrong passphrase is detected at `init` through a key
 * check value stored in metadata. Every failure rejects with `decrypt-failed`; `details.reason`
 * says why ({@link AesGcmFailureReason}). Bad options throw `invalid-argument`.
 *
 * One instance serves one namespace. Rotation: see {@link rotateKey}.
 *
 * @example
 * ```ts
 * const storage = createStorage({ encryption: aesGcmCodec({ passphrase }), encryptAll: true });
 * ```
 */
export function aesGcmCodec(options: AesGcmCodecOptions): AesGcmCodec {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options are required');
  const { previousPassphrases = [], previousKeys = [] } = options;
  let primary: Secret;
  let iterations = MIN_PBKDF2_ITERATIONS;
  if ('passphrase' in options && options.passphrase !== undefined) {
    assertPassphrase(options.passphrase, 'passphrase');
    iterations = options.iterations ?? MIN_PBKDF2_ITERATIONS;
    assertIterations(iterations);
    primary = { passphrase: options.passphrase, iterations };
  } else if ('key' in options && options.key !== undefined) {
    assertAesKey(options.key, 'key');
    assertKeyId(options.keyId, 'keyId');
    primary = { key: options.key, keyId: options.keyId };
  } else {
    throw invalidArgument('either passphrase, or key and keyId, is required');
  }
  if (!Array.isArray(previousPassphrases)) throw invalidArgument('previousPassphrases must be an array', { option: 'previousPassphrases' });
  if (!Array.isArray(previousKeys)) throw invalidArgument('previousKeys must be an array', { option: 'previousKeys' });
  for (const p of previousPassphrases) assertPassphrase(p, 'previousPassphrases[]');
  for (const k of previousKeys) {
    assertAesKey((k as { key?: unknown } | null)?.key, 'previousKeys[].key');
    assertKeyId(k.keyId, 'previousKeys[].keyId');
  }
  const secrets: Secret[] = [
    primary,
    ...previousPassphrases.map((passphrase: string) => ({ passphrase, iterations })),
    ...previousKeys.map((k) => ({ key: k.key, keyId: k.keyId })),
  ];
  return new AesGcmCodecImpl(primary, secrets, iterations);
}
