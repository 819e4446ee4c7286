// The ONLY file that imports crypto-js: the package's `.` entry does not re-export it, so crypto-js
// reaches a bundle only when an app imports '@stowage/codecs/crypto-js-legacy'.
// Full file names: crypto-js has no `exports` map, so plain Node (SSR, tests of a built app) resolves
// a subpath only with its extension.
import AES from 'crypto-js/aes.js';
import NoPadding from 'crypto-js/pad-nopadding.js';
import { StowageError, toBase64, type Codec } from '@stowage/core';
import { utf8DecodeStrict } from './bytes.js';

/** Options of {@link cryptoJsLegacyCodec}. */
export interface CryptoJsLegacyCodecOptions {
  /** The passphrase the legacy app gave `CryptoJS.AES.encrypt(text, passphrase)`. */
  passphrase: string;
}

/** "Salted__": the OpenSSL header crypto-js writes before the 8-byte salt. */
const SALTED = [0x53, 0x61, 0x6c, 0x74, 0x65, 0x64, 0x5f, 0x5f];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function failed(reason: 'malformed' | 'truncated' | 'wrong-passphrase', message: string, cause?: unknown): StowageError {
  return new StowageError('decrypt-failed', `crypto-js legacy: ${message}`, { cause, details: { codec: 'crypto-js-aes', reason } });
}

function assertPassphrase(passphrase: unknown): asserts passphrase is string {
  if (typeof passphrase !== 'string') {
    throw new StowageError('invalid-argument', 'crypto-js legacy: passphrase must be a string', { details: { codec: 'crypto-js-aes' } });
  }
}

/** crypto-js WordArray (big-endian 32-bit words) → bytes. */
function wordsToBytes(words: readonly number[], sigBytes: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(sigBytes / 4) * 4);
  const view = new DataView(out.buffer);
  // One word per iteration: per-byte shifting was a visible share of decrypting 150 KB.
  for (let i = 0; i < out.length >>> 2; i++) view.setInt32(i * 4, words[i] as number);
  return out.subarray(0, sigBytes);
}

/**
 * Decrypts OpenSSL-format base64 (`U2FsdGVkX1…`) to the plaintext bytes. The format has no MAC, so
 * a wrong passphrase is caught by checking what a right one always yields: valid PKCS#7 padding
 * (checked here — crypto-js's own unpadding trusts the last byte blindly) and strict UTF-8.
 */
function decrypt(ciphertext: string, passphrase: string): { bytes: Uint8Array; text: string } {
  if (!BASE64.test(ciphertext) || ciphertext.length % 4 !== 0) throw failed('malformed', 'ciphertext is not base64');
  // 16 = "Salted__" + 8-byte salt; then whole 16-byte AES blocks, at least one (the padding).
  const length = (ciphertext.length / 4) * 3 - (ciphertext.endsWith('==') ? 2 : ciphertext.endsWith('=') ? 1 : 0);
  const header = atob(ciphertext.slice(0, 12));
  if (!SALTED.every((c, i) => header.charCodeAt(i) === c)) throw failed('malformed', 'ciphertext lacks the OpenSSL "Salted__" header');
  if (length < 32 || (length - 16) % 16 !== 0) throw failed('truncated', 'ciphertext is truncated');
  let plain: Uint8Array;
  try {
    const words = AES.decrypt(ciphertext, passphrase, { padding: NoPadding });
    plain = wordsToBytes(words.words, words.sigBytes);
  } catch (err) {
    throw failed('malformed', 'crypto-js could not decrypt', err);
  }
  const pad = plain[plain.length - 1] as number;
  let ok = pad >= 1 && pad <= 16 && pad <= plain.length;
  for (let i = plain.length - pad; ok && i < plain.length; i++) ok = plain[i] === pad;
  if (!ok) throw failed('wrong-passphrase', 'wrong passphrase or corrupted ciphertext (bad padding)');
  const bytes = plain.subarray(0, plain.length - pad);
  try {
    return { bytes, text: utf8DecodeStrict(bytes) };
  } catch (err) {
    throw failed('wrong-passphrase', 'wrong passphrase or corrupted ciphertext (not UTF-8)', err);
  }
}

/**
 * Decrypts `CryptoJS.AES.encrypt(text, passphrase).toString()` output (OpenSSL format, key and IV
 * from EVP_BytesToKey with MD5) and returns `text`. Rejects with `decrypt-failed` — never returns
 * garbage for a wrong passphrase, up to the limits of an unauthenticated format (a wrong passphrase
 * passes both checks with probability well under 2⁻⁸ × P(random bytes are valid UTF-8)).
 *
 * @example
 * ```ts
 * const json = decryptLegacy(localStorage.getItem('secret')!, passphrase);
 * ```
 */
export function decryptLegacy(ciphertext: string, passphrase: string): string {
  if (typeof ciphertext !== 'string') {
    throw new StowageError('invalid-argument', 'crypto-js legacy: ciphertext must be a string', { details: { codec: 'crypto-js-aes' } });
  }
  assertPassphrase(passphrase);
  return decrypt(ciphertext.trim(), passphrase).text;
}

/**
 * Decode-only codec (id `'crypto-js-aes'`) for records holding crypto-js AES output: either the
 * UTF-8 bytes of the base64 string, or the raw OpenSSL bytes (`Salted__…`). Decodes to the UTF-8
 * plaintext. `encode` rejects with `invalid-argument`: new data should use `aesGcmCodec`. Register
 * it in `createStorage({ codecs: [...] })`, not as `encryption`.
 */
export function cryptoJsLegacyCodec(options: CryptoJsLegacyCodecOptions): Codec {
  const passphrase = (options as Partial<CryptoJsLegacyCodecOptions> | undefined)?.passphrase;
  assertPassphrase(passphrase);
  return {
    id: 'crypto-js-aes',
    kind: 'encryption',
    async encode() {
      throw new StowageError('invalid-argument', 'crypto-js legacy codec is decode-only; encrypt new data with aesGcmCodec', {
        details: { codec: 'crypto-js-aes' },
      });
    },
    async decode(bytes) {
      const binary = bytes.length >= 8 && SALTED.every((c, i) => bytes[i] === c);
      let text: string;
      if (binary) text = toBase64(bytes);
      else {
        try {
          text = utf8DecodeStrict(bytes).trim();
        } catch (err) {
          throw failed('malformed', 'ciphertext is neither OpenSSL bytes nor base64 text', err);
        }
      }
      return decrypt(text, passphrase).bytes;
    },
  };
}
