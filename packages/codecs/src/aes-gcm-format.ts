import { concatBytes, utf8DecodeStrict, utf8Encode } from './bytes.js';
import { decryptFailed } from './aes-gcm-errors.js';

/**
 * Ciphertext layout. Version 1 (caller-managed keys):
 *
 * | bytes | content                                  |
 * |-------|------------------------------------------|
 * | 1     | format version (1)                       |
 * | 1     | key id length n (1–255)                  |
 * | n     | key id, UTF-8                            |
 * | 12    | random IV                                |
 * | ≥ 16  | AES-256-GCM ciphertext followed by tag   |
 *
 * Version 2 (passphrase-derived keys) carries, after the key id, how the key is derived: a 16-byte
 * PBKDF2 salt and the iteration count (uint32, big-endian). So a ciphertext is self-describing:
 * another device (which made its own keyring, with its own salt) that knows the passphrase can
 * derive the key and open it — what a synced encrypted record needs.
 *
 * The header (everything before the ciphertext) is passed as GCM additional data, so flipping any
 * bit of it — not only of the body — fails authentication.
 */
export const FORMAT_VERSION = 1;
/** Version of ciphertexts that carry their key derivation (salt, iterations). */
export const FORMAT_VERSION_DERIVED = 2;
/** Salt size of passphrase-derived keys. */
export const SALT_BYTES = 16;
/** 96-bit IV, the size GCM is specified for. */
export const IV_BYTES = 12;
/** 128-bit authentication tag (WebCrypto's default). */
export const TAG_BYTES = 16;

/** How a passphrase-derived key is derived (PBKDF2-HMAC-SHA256). */
export interface Derivation {
  salt: Uint8Array;
  iterations: number;
}

/** A parsed ciphertext. */
export interface Envelope {
  keyId: string;
  /** Present in version-2 ciphertexts (passphrase-derived keys). */
  derivation?: Derivation;
  iv: Uint8Array;
  /** The header bytes, authenticated as additional data. */
  header: Uint8Array;
  /** Ciphertext + tag. */
  body: Uint8Array;
}

/** Whether `keyId` fits the header (non-empty, at most 255 UTF-8 bytes). */
export function isValidKeyId(keyId: unknown): keyId is string {
  if (typeof keyId !== 'string' || keyId.length === 0) return false;
  return utf8Encode(keyId).length <= 255;
}

/**
 * Encrypts `plaintext` with `key`, naming `keyId` in the header — and, for a passphrase-derived
 * key, its `derivation` (version 2).
 */
export async function seal(key: CryptoKey, keyId: string, plaintext: Uint8Array, derivation?: Derivation): Promise<Uint8Array> {
  const id = utf8Encode(keyId);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const parts = [Uint8Array.of(derivation ? FORMAT_VERSION_DERIVED : FORMAT_VERSION, id.length), id];
  if (derivation) {
    const n = new Uint8Array(4);
    new DataView(n.buffer).setUint32(0, derivation.iterations);
    parts.push(derivation.salt, n);
  }
  parts.push(iv);
  const header = concatBytes(parts);
  const body = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: header as Uint8Array<ArrayBuffer>, tagLength: TAG_BYTES * 8 },
    key,
    plaintext as Uint8Array<ArrayBuffer>,
  );
  return concatBytes([header, new Uint8Array(body)]);
}

/** Splits a ciphertext into its parts; `decrypt-failed` when it cannot be one. */
export function parse(bytes: Uint8Array): Envelope {
  if (bytes.length < 2) throw decryptFailed('truncated', 'ciphertext is truncated', { length: bytes.length });
  const version = bytes[0] as number;
  if (version !== FORMAT_VERSION && version !== FORMAT_VERSION_DERIVED) {
    throw decryptFailed('unsupported-version', `unsupported ciphertext version ${version}`, { version });
  }
  const idLength = bytes[1] as number;
  const idEnd = 2 + idLength;
  const ivStart = version === FORMAT_VERSION ? idEnd : idEnd + SALT_BYTES + 4;
  const headerLength = ivStart + IV_BYTES;
  if (idLength === 0) throw decryptFailed('malformed', 'ciphertext has an empty key id');
  if (bytes.length < headerLength + TAG_BYTES) throw decryptFailed('truncated', 'ciphertext is truncated', { length: bytes.length });
  let keyId: string;
  try {
    keyId = utf8DecodeStrict(bytes.subarray(2, idEnd));
  } catch (err) {
    throw decryptFailed('malformed', 'ciphertext key id is not UTF-8', {}, err);
  }
  const envelope: Envelope = {
    keyId,
    iv: bytes.subarray(ivStart, headerLength),
    header: bytes.subarray(0, headerLength),
    body: bytes.subarray(headerLength),
  };
  if (version === FORMAT_VERSION_DERIVED) {
    envelope.derivation = {
      salt: bytes.subarray(idEnd, idEnd + SALT_BYTES),
      iterations: new DataView(bytes.buffer, bytes.byteOffset + idEnd + SALT_BYTES, 4).getUint32(0),
    };
  }
  return envelope;
}

/** The key id a ciphertext names; `undefined` when the bytes are not a ciphertext of this format. */
export function keyIdOf(bytes: Uint8Array): string | undefined {
  try {
    return parse(bytes).keyId;
  } catch {
    return undefined;
  }
}

/** Decrypts a parsed ciphertext; `decrypt-failed` (`authentication-failed`) on any mismatch. */
export async function open(key: CryptoKey, envelope: Envelope): Promise<Uint8Array> {
  try {
    const plain = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: envelope.iv as Uint8Array<ArrayBuffer>, additionalData: envelope.header as Uint8Array<ArrayBuffer>, tagLength: TAG_BYTES * 8 },
      key,
      envelope.body as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plain);
  } catch (err) {
    throw decryptFailed('authentication-failed', 'ciphertext failed authentication (tampered, corrupted or wrong key)', { keyId: envelope.keyId }, err);
  }
}
