import { StowageError } from '@stowage/core';
import { lz } from './lz-string-lib.js';

/**
 * The string encodings of lz-string that apps store:
 * `'utf16'` = `compressToUTF16`, `'base64'` = `compressToBase64`,
 * `'uri'` = `compressToEncodedURIComponent`, `'raw'` = `compress`.
 */
export type LzLegacyFormat = 'utf16' | 'base64' | 'uri' | 'raw';

/** Options of {@link decompressLegacy}. */
export interface DecompressLegacyOptions {
  /**
   * Re-compress the result and compare it with the input, which proves the input was not
   * corrupted (lz-string has no checksum and returns a wrong string for ~1 in 6 corrupted inputs).
   * Turn off only for data written by an lz-string build whose output differs from 1.5.0's.
   * @default true
   */
  verify?: boolean;
}

interface Format {
  decompress(text: string): string | null;
  compress(text: string): string;
  /** Characters the encoding can contain; anything else means the text is not from this format. */
  valid(text: string): boolean;
  /** Equivalent spellings of one compressed text (base64 padding, `+` turned into space by URL decoding). */
  normalize(text: string): string;
}

const FORMATS: Record<LzLegacyFormat, Format> = {
  utf16: {
    decompress: (t) => lz.decompressFromUTF16(t),
    compress: (t) => lz.compressToUTF16(t),
    // compressToUTF16 stores 15 bits per char, offset by 32.
    valid: (t) => /^[\u0020-\u801f]*$/.test(t),
    normalize: (t) => t,
  },
  base64: {
    decompress: (t) => lz.decompressFromBase64(t),
    compress: (t) => lz.compressToBase64(t),
    valid: (t) => /^[A-Za-z0-9+/]*={0,3}$/.test(t),
    normalize: (t) => t.replace(/=+$/, ''),
  },
  uri: {
    decompress: (t) => lz.decompressFromEncodedURIComponent(t),
    compress: (t) => lz.compressToEncodedURIComponent(t),
    valid: (t) => /^[A-Za-z0-9+\-$ ]*$/.test(t),
    normalize: (t) => t.replace(/ /g, '+'),
  },
  raw: {
    decompress: (t) => lz.decompress(t),
    compress: (t) => lz.compress(t),
    valid: () => true,
    normalize: (t) => t,
  },
};

function decodeFailed(format: string, reason: string, cause?: unknown): StowageError {
  return new StowageError('decode-failed', `lz-string legacy (${format}): cannot decompress (${reason})`, {
    cause,
    details: { codec: 'lz-string', format, reason },
  });
}

/**
 * Reads a string written by an existing lz-string app (`LZString.compressToUTF16(text)` etc.).
 * Returns the original string, or throws `decode-failed` where lz-string itself would return
 * `null`, `''`, throw, or a wrong string.
 *
 * @example
 * ```ts
 * const state = JSON.parse(decompressLegacy(localStorage.getItem('state')!, 'utf16'));
 * ```
 */
export function decompressLegacy(text: string, format: LzLegacyFormat, options: DecompressLegacyOptions = {}): string {
  const { verify = true } = options;
  if (typeof text !== 'string') {
    throw new StowageError('invalid-argument', 'decompressLegacy: text must be a string', { details: { type: typeof text } });
  }
  const f = Object.hasOwn(FORMATS, format) ? FORMATS[format] : undefined;
  if (!f) {
    throw new StowageError('invalid-argument', `decompressLegacy: unknown format ${String(format)}`, {
      details: { format, expected: Object.keys(FORMATS) },
    });
  }
  // No lz-string encoder produces '' (compressing '' gives a non-empty marker), so '' is not data.
  if (text === '') throw decodeFailed(format, 'empty input');
  if (!f.valid(text)) throw decodeFailed(format, 'characters outside the format');
  let result: string | null;
  try {
    result = f.decompress(text);
  } catch (err) {
    throw decodeFailed(format, 'corrupt data', err);
  }
  if (typeof result !== 'string') throw decodeFailed(format, 'corrupt data');
  if (verify) {
    if (f.normalize(f.compress(result)) !== f.normalize(text)) throw decodeFailed(format, 'corrupt data (verification failed)');
  } else if (result === '' && f.normalize(f.compress('')) !== f.normalize(text)) {
    // lz-string's usual answer to garbage is '' — only the real encoding of '' may produce it.
    throw decodeFailed(format, 'corrupt data');
  }
  return result;
}
