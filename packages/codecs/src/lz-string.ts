import { StowageError, type Codec } from '@stowage/core';
import { bytesEqual, isWellFormedText, utf8DecodeStrict, utf8Encode } from './bytes.js';
import { lz } from './lz-string-lib.js';

export { decompressLegacy, type LzLegacyFormat, type DecompressLegacyOptions } from './lz-string-legacy.js';

/** Options of {@link lzStringCodec}. */
export interface LzStringCodecOptions {
  /**
   * Re-compress every decoded value and compare with the input. lz-string has no checksum: on
   * corrupted input it returns `null`, `''`, throws, or — about one time in six — returns a wrong
   * string. lz-string's output is deterministic, so a mismatch proves corruption. Costs one extra
   * compression per read; turn off only for data whose integrity is checked elsewhere (for
   * example when an encryption codec runs after this one). @default true
   */
  verify?: boolean;
}

/**
 * Appended to the output when the input was not valid UTF-8 (the value is then compressed as one
 * char per byte). `compressToUint8Array` always returns an even number of bytes, so an odd length
 * identifies this mode and text output stays exactly lz-string's own format.
 */
const BINARY_MARKER = 0x01;

function decodeFailed(reason: string, cause?: unknown): StowageError {
  return new StowageError('decode-failed', `lz-string: cannot decompress (${reason})`, {
    cause,
    details: { codec: 'lz-string', reason },
  });
}

function bytesToLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

/**
 * lz-string compression, codec id `'lz-string'`: the input bytes are decoded as UTF-8 and passed to
 * `compressToUint8Array`, so stored bytes are what any lz-string app produces for that text. Bytes
 * that are not UTF-8 still round-trip (see {@link BINARY_MARKER}). Corrupted input rejects with
 * `decode-failed`, never a wrong value.
 *
 * @example
 * ```ts
 * const codec = lzStringCodec();
 * const packed = await codec.encode(new TextEncoder().encode('{"a":1}'));
 * ```
 */
export function lzStringCodec(options: LzStringCodecOptions = {}): Codec {
  const { verify = true } = options;
  return {
    id: 'lz-string',
    kind: 'compression',
    encode(bytes) {
      let text: string;
      try {
        text = utf8DecodeStrict(bytes);
      } catch {
        const packed = lz.compressToUint8Array(bytesToLatin1(bytes));
        const out = new Uint8Array(packed.length + 1);
        out.set(packed);
        out[packed.length] = BINARY_MARKER;
        return out;
      }
      return lz.compressToUint8Array(text);
    },
    decode(bytes) {
      if (bytes.length === 0) throw decodeFailed('empty input');
      const binary = bytes.length % 2 === 1;
      if (binary && bytes[bytes.length - 1] !== BINARY_MARKER) throw decodeFailed('odd length without binary marker');
      const packed = binary ? bytes.subarray(0, bytes.length - 1) : bytes;
      let text: string | null;
      try {
        text = lz.decompressFromUint8Array(packed);
      } catch (err) {
        throw decodeFailed('corrupt data', err);
      }
      if (typeof text !== 'string') throw decodeFailed('corrupt data');
      if (verify && !bytesEqual(lz.compressToUint8Array(text), packed)) throw decodeFailed('corrupt data (verification failed)');
      if (!binary) {
        // Text that came from UTF-8 never holds lone surrogates; TextEncoder would silently turn
        // them into U+FFFD, so they are rejected even without `verify`.
        if (!isWellFormedText(text)) throw decodeFailed('corrupt data (lone surrogate)');
        return utf8Encode(text);
      }
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0xff) throw decodeFailed('corrupt data (binary mode)');
        out[i] = c;
      }
      return out;
    },
  };
}
