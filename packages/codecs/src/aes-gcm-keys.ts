import { StowageError, fromBase64, toBase64 } from '@stowage/core';
import type { KeyEntry } from './aes-gcm-meta.js';
import { utf8DecodeStrict, utf8Encode } from './bytes.js';
import { open, parse, seal, SALT_BYTES } from './aes-gcm-format.js';
import { invalidArgument } from './aes-gcm-errors.js';

/** OWASP's 2023 minimum for PBKDF2-HMAC-SHA256; fewer iterations are rejected. */
export const MIN_PBKDF2_ITERATIONS = 600_000;
/**
 * Most PBKDF2 iterations accepted (~5–20 s of derivation): a ciphertext from elsewhere names its
 * own count, and one that asks for more is refused rather than allowed to freeze the page.
 */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;
/** The known constant whose encryption is stored as a key check value. */
const CHECK_PLAINTEXT = 'stowage:aes-gcm:key-check:v1';

/**
 * Derives a non-extractable AES-256-GCM key from a passphrase with PBKDF2-HMAC-SHA256. The
 * passphrase is NFC-normalised so the same characters typed on different systems give one key.
 */
export async function derivePassphraseKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const subtle = globalThis.crypto.subtle;
  const base = await subtle.importKey('raw', utf8Encode(passphrase.normalize('NFC')) as Uint8Array<ArrayBuffer>, 'PBKDF2', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'PBKDF2', salt: salt as Uint8Array<ArrayBuffer>, iterations, hash: 'SHA-256' },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** A fresh random salt. */
export function newSalt(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
}

/** A short random key id for passphrase-derived keys (`k` + 12 hex digits). */
export function newKeyId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(6));
  return 'k' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The key check value of `key`: the encrypted constant, base64. */
export async function makeCheck(key: CryptoKey, keyId: string): Promise<string> {
  return toBase64(await seal(key, keyId, utf8Encode(CHECK_PLAINTEXT)));
}

/** Whether `key` opens the check value (i.e. it is the key the check was made with). */
export async function verifyCheck(key: CryptoKey, check: string): Promise<boolean> {
  try {
    const plain = await open(key, parse(fromBase64(check)));
    return utf8DecodeStrict(plain) === CHECK_PLAINTEXT;
  } catch {
    return false;
  }
}

/** Validates a passphrase option. */
export function assertPassphrase(passphrase: unknown, option: string): asserts passphrase is string {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw invalidArgument(`${option} must be a non-empty string`, { option });
  }
}

/** Validates an iteration count. */
export function assertIterations(iterations: unknown): asserts iterations is number {
  if (typeof iterations !== 'number' || !Number.isSafeInteger(iterations) || iterations < MIN_PBKDF2_ITERATIONS || iterations > MAX_PBKDF2_ITERATIONS) {
    throw invalidArgument(`iterations must be an integer from ${MIN_PBKDF2_ITERATIONS} to ${MAX_PBKDF2_ITERATIONS}, got ${String(iterations)}`, {
      option: 'iterations',
      value: iterations,
      minimum: MIN_PBKDF2_ITERATIONS,
      maximum: MAX_PBKDF2_ITERATIONS,
    });
  }
}

/** Validates a caller-supplied key: an AES-GCM CryptoKey allowed to encrypt and decrypt. */
export function assertAesKey(key: unknown, option: string): asserts key is CryptoKey {
  const k = key as Partial<CryptoKey> | null;
  const ok =
    typeof k === 'object' &&
    k !== null &&
    (k.algorithm as { name?: string } | undefined)?.name === 'AES-GCM' &&
    Array.isArray(k.usages) &&
    k.usages.includes('encrypt') &&
    k.usages.includes('decrypt');
  if (!ok) throw invalidArgument(`${option} must be an AES-GCM CryptoKey with usages encrypt and decrypt`, { option });
}

/** A secret the codec holds: a passphrase (with the iterations for new keys) or a caller key. */
export type Secret = { passphrase: string; iterations: number } | { key: CryptoKey; keyId: string };

/** Creates a key entry (fresh salt and id for passphrases) and its key. */
export async function createEntry(secret: Secret): Promise<{ entry: KeyEntry; unlocked: Unlocked }> {
  if ('passphrase' in secret) {
    const salt = newSalt();
    const id = newKeyId();
    const key = await derivePassphraseKey(secret.passphrase, salt, secret.iterations);
    return {
      unlocked: { key, passphrase: secret.passphrase },
      entry: { id, kdf: 'pbkdf2-sha256', salt: toBase64(salt), iterations: secret.iterations, check: await makeCheck(key, id) },
    };
  }
  return { unlocked: { key: secret.key }, entry: { id: secret.keyId, kdf: 'external', check: await makeCheck(secret.key, secret.keyId) } };
}

/** A key of the keyring, and the passphrase it was derived from (none for caller keys). */
export interface Unlocked {
  key: CryptoKey;
  passphrase?: string;
}

/**
 * Finds the secret that opens `entry` (verified against its check value) and returns its key,
 * `undefined` when none does. Passphrases cost one PBKDF2 derivation each.
 */
export async function unlockEntry(entry: KeyEntry, secrets: readonly Secret[]): Promise<Unlocked | undefined> {
  if (entry.kdf === 'external') {
    for (const s of secrets) {
      if ('key' in s && s.keyId === entry.id && (await verifyCheck(s.key, entry.check))) return { key: s.key };
    }
    return undefined;
  }
  let salt: Uint8Array;
  try {
    salt = fromBase64(entry.salt);
  } catch (err) {
    throw new StowageError('decode-failed', `aes-gcm: metadata is malformed (salt of ${entry.id})`, { cause: err, details: { codec: 'aes-gcm' } });
  }
  const tried = new Set<string>();
  for (const s of secrets) {
    if (!('passphrase' in s) || tried.has(s.passphrase)) continue;
    tried.add(s.passphrase);
    const key = await derivePassphraseKey(s.passphrase, salt, entry.iterations);
    if (await verifyCheck(key, entry.check)) return { key, passphrase: s.passphrase };
  }
  return undefined;
}
