import { StowageError } from '@stowage/core';

/** `decode-failed` for bytes that are not a valid raw DEFLATE stream. */
export function decodeFailed(reason: string, cause?: unknown): StowageError {
  return new StowageError('decode-failed', `deflate: cannot decompress (${reason})`, {
    cause,
    details: { codec: 'deflate', reason },
  });
}

/** `too-large` when decompressing would exceed the configured output limit (a decompression bomb). */
export function tooLarge(maxOutputBytes: number): StowageError {
  return new StowageError('too-large', `deflate: decompressed data exceeds ${maxOutputBytes} bytes`, {
    details: { codec: 'deflate', maxOutputBytes },
  });
}
