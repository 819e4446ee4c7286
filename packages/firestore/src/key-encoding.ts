import { StowageError, utf8Length } from '@stowage/core';

/** Firestore's limit on a document id, in UTF-8 bytes. */
export const MAX_DOC_ID_BYTES = 1500;

/**
 * Characters escaped as `%XX`: '%' itself (so decoding is unambiguous), '/' (the path separator),
 * '~' (reserved for hashed ids), and control characters (invisible in the console, and some
 * transports mangle them). Lone surrogates are escaped as `%uXXXX`: they cannot be encoded as
 * UTF-8, so the wire would silently replace them with U+FFFD.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const ESCAPE = /[%/~\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const hex = (code: number, width: number) => code.toString(16).toUpperCase().padStart(width, '0');

/**
 * Encodes any key into a well-formed string that is a valid Firestore document id when it fits in
 * {@link MAX_DOC_ID_BYTES}: no '/', never '.' or '..', never `__…__` (reserved). Reversible with
 * {@link decodeKey}; readable in the Firebase console for ordinary keys (`settings.theme` stays as is).
 */
export function encodeKey(key: string): string {
  let out = key.replace(ESCAPE, (ch) => {
    const code = ch.charCodeAt(0);
    return code >= 0xd800 ? `%u${hex(code, 4)}` : `%${hex(code, 2)}`;
  });
  if (out === '.' || out === '..') out = out.replaceAll('.', '%2E');
  else if (out.startsWith('__') && out.endsWith('__')) out = `%5F${out.slice(1)}`;
  return out;
}

/** Inverse of {@link encodeKey}; `decode-failed` when `encoded` is not an encoded key. */
export function decodeKey(encoded: string): string {
  return encoded.replace(/%(?:u([0-9A-F]{4})|([0-9A-F]{2}))|%/g, (match, wide: string | undefined, narrow: string | undefined) => {
    if (wide === undefined && narrow === undefined) {
      throw new StowageError('decode-failed', 'not an encoded key: stray "%"', { details: { encoded } });
    }
    return String.fromCharCode(parseInt(wide ?? narrow!, 16));
  });
}

/**
 * The document id of a key: its encoding when that fits Firestore's limit, else `~` + the SHA-256
 * (hex) of the encoding. Encodings never contain '~', so the two forms cannot collide. The full
 * encoded key is also stored in the document (`key` field), so hashed ids lose nothing.
 */
export async function docIdForKey(key: string): Promise<string> {
  const encoded = encodeKey(key);
  if (utf8Length(encoded) <= MAX_DOC_ID_BYTES) return encoded;
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    // WebCrypto exists in Node ≥ 20 and in secure browser contexts (https, localhost) only.
    throw new StowageError('unavailable', 'keys longer than 1500 bytes need WebCrypto (a secure context) to be hashed', {
      details: { key: key.slice(0, 64) },
    });
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(encoded)));
  return `~${Array.from(digest, (b) => hex(b, 2)).join('')}`;
}
