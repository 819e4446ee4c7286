import { Inflate, deflateSync } from 'fflate';
import { StowageError } from '@stowage/core';
import { decodeFailed, tooLarge } from './deflate-errors.js';

/** Compression levels of raw DEFLATE (0 = stored, 9 = smallest). */
export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/**
 * Input is fed to the inflater in slices this big. DEFLATE expands at most ~1032:1, so one slice
 * can produce at most ~16.5 MiB before the size check runs: a bomb is stopped near the limit
 * instead of after it has filled memory.
 */
const INPUT_SLICE = 16 * 1024;

/** Raw DEFLATE (RFC 1951) with fflate. */
export function fflateDeflate(bytes: Uint8Array, level: DeflateLevel): Uint8Array {
  return deflateSync(bytes, { level });
}

/**
 * Inflates raw DEFLATE with fflate's streaming inflater, stopping with `too-large` as soon as the
 * output passes `maxOutputBytes` (`inflateSync` has no such limit: it grows its buffer forever).
 */
export function fflateInflate(bytes: Uint8Array, maxOutputBytes: number): Uint8Array {
  // A DEFLATE stream is never empty (even empty input compresses to 2 bytes); fflate would
  // return an empty result for it, silently turning lost data into "".
  if (bytes.length === 0) throw decodeFailed('empty input');
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > maxOutputBytes) throw tooLarge(maxOutputBytes);
    chunks.push(chunk);
  });
  try {
    for (let offset = 0; offset < bytes.length; offset += INPUT_SLICE) {
      const end = offset + INPUT_SLICE;
      inflater.push(bytes.subarray(offset, end), end >= bytes.length);
    }
  } catch (err) {
    if (err instanceof StowageError) throw err;
    throw decodeFailed(err instanceof Error ? err.message : String(err), err);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
