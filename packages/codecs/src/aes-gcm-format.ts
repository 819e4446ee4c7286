import { concatBytes, utf8DecodeStrict, utf8Encode } from './bytes.js';
import { decryptFailed } from './aes-gcm-errors.js';

/**
 * Ciphertext layout, version 1:
 *
 * | bytes | content                                  |
 * |-------|------------------------------------------|
 * | 1     | format version (1)                       |
 * | 1     | key id length n (1–255)                  |
 * | n     | key id, UTF-8                            |
 * | 12    | random IV                                |
 * | ≥ 16  | AES-256-GCM ciphertext followed by tag   |
 *
 * The header (everything before the ciphertext) is passed as GCM additional data, so flipping any
 * bit of it — not only of the body — fails authentication.
 */
export const FORMAT_VERSION = 1;
/** 96-bit IV, the size GCM is specified for. */
export const IV_BYTES = 12;
/** 128-bit authentication tag (WebCrypto's default). */
export const TAG_BYTES = 16;

/** A parsed ciphertext. */
export interface Envelope {
  keyId: string;
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

/** Encrypts `plaintext` with `key`, naming `keyId` in the header. */
export async function seal(key: CryptoKey, keyId: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const id = utf8Encode(keyId);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const header = concatBytes([Uint8Array.of(FORMAT_VERSION, id.length), id, iv]);
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
  if (version !== FORMAT_VERSION) {
    throw decryptFailed('unsupported-version', `unsupported ciphertext version ${version}`, { version });
  }
  const idLength = bytes[1] as number;
  const headerLength = 2 + idLength + IV_BYTES;
  if (idLength === 0) throw decryptFailed('malformed', 'ciphertext has an empty key id');
  if (bytes.length < headerLength + TAG_BYTES) throw decryptFailed('truncated', 'ciphertext is truncated', { length: bytes.length });
  let keyId: string;
  try {
    keyId = utf8DecodeStrict(bytes.subarray(2, 2 + idLength));
  } catch (err) {
    throw decryptFailed('malformed', 'ciphertext key id is not UTF-8', {}, err);
  }
  return {
    keyId,
    iv: bytes.subarray(2 + idLength, headerLength),
    header: bytes.subarray(0, headerLength),
    body: bytes.subarray(headerLength),
  };
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
