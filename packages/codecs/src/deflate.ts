import { StowageError, type Codec } from '@stowage/core';
import type { DeflateLevel } from './deflate-fflate.js';
import { compressionStreamAvailable, streamDeflate, streamInflate } from './deflate-stream.js';

export type { DeflateLevel } from './deflate-fflate.js';

/**
 * Which implementation of raw DEFLATE to run. Both write and read the same format, so records
 * written by one are read by the other; the choice is about speed only.
 * - `'fflate'`: fflate's synchronous `deflateSync` / streaming `Inflate` (pure JS, honours `level`);
 * - `'compression-stream'`: the platform's `CompressionStream('deflate-raw')` (native zlib, level 6);
 * - `'auto'`: CompressionStream where it exists and `level` is 6, else fflate. Measured in
 *   Chromium 156 (apps/bench, README): it is faster at every size from 0.5 KB to 150 KB and its
 *   output ~3–5 % smaller; fflate is the fallback for other levels and older engines.
 */
export type DeflateImplementation = 'auto' | 'fflate' | 'compression-stream';

/** Options of {@link deflateCodec}. */
export interface DeflateCodecOptions {
  /**
   * Compression level, 0 (stored) to 9 (smallest). CompressionStream always uses zlib's level 6,
   * so with `'auto'` any other level compresses with fflate. @default 6
   */
  level?: DeflateLevel;
  /**
   * Decompression stops with `too-large` once the output passes this many bytes, so a tampered or
   * malicious record (a "decompression bomb") cannot exhaust memory. @default 67108864 (64 MiB)
   */
  maxOutputBytes?: number;
  /** @default 'auto' */
  implementation?: DeflateImplementation;
}

/** Default of {@link DeflateCodecOptions.maxOutputBytes}. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Raw DEFLATE compression (RFC 1951), codec id `'deflate'`. Garbage or truncated input rejects
 * with `decode-failed`; output larger than `maxOutputBytes` with `too-large`.
 *
 * @example
 * ```ts
 * const codec = deflateCodec();             // fastest implementation, level 6
 * const packed = await codec.encode(new TextEncoder().encode(json));
 * ```
 */
export function deflateCodec(options: DeflateCodecOptions = {}): Codec {
  const { level = 6, maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES, implementation = 'auto' } = options;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new StowageError('invalid-argument', `deflateCodec: level must be an integer 0–9, got ${String(level)}`, {
      details: { option: 'level', value: level },
    });
  }
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes <= 0) {
    throw new StowageError('invalid-argument', `deflateCodec: maxOutputBytes must be a positive integer`, {
      details: { option: 'maxOutputBytes', value: maxOutputBytes },
    });
  }
  if (implementation !== 'auto' && implementation !== 'fflate' && implementation !== 'compression-stream') {
    throw new StowageError('invalid-argument', `deflateCodec: unknown implementation ${String(implementation)}`, {
      details: { option: 'implementation', value: implementation },
    });
  }
  if (implementation === 'compression-stream' && level !== 6) {
    throw new StowageError('invalid-argument', "deflateCodec: CompressionStream has no level option; use implementation 'fflate' or 'auto' for level " + level, {
      details: { option: 'level', value: level },
    });
  }
  const hasStream = compressionStreamAvailable();
  if (implementation === 'compression-stream' && !hasStream) {
    throw new StowageError('unavailable', "deflateCodec: CompressionStream('deflate-raw') is not available here", {
      details: { option: 'implementation' },
    });
  }
  // CompressionStream has no level: any level but zlib's default (6) must go through fflate.
  const streamEncode = hasStream && implementation !== 'fflate' && level === 6;
  const streamDecode = hasStream && implementation !== 'fflate';

  // fflate is loaded on first use only: where CompressionStream serves level 6 (every current
  // browser), apps never download it.
  return {
    id: 'deflate',
    kind: 'compression',
    async encode(bytes) {
      return streamEncode ? streamDeflate(bytes) : (await import('./deflate-fflate.js')).fflateDeflate(bytes, level);
    },
    async decode(bytes) {
      return streamDecode ? streamInflate(bytes, maxOutputBytes) : (await import('./deflate-fflate.js')).fflateInflate(bytes, maxOutputBytes);
    },
  };
}
