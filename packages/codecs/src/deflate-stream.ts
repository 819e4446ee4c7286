import { StowageError } from '@stowage/core';
import { concatBytes } from './bytes.js';
import { decodeFailed, tooLarge } from './deflate-errors.js';

/** Whether the platform has `CompressionStream` with the `'deflate-raw'` format (older engines lack one or the other). */
export function compressionStreamAvailable(): boolean {
  if (typeof globalThis.CompressionStream !== 'function' || typeof globalThis.DecompressionStream !== 'function') {
    return false;
  }
  try {
    new globalThis.CompressionStream('deflate-raw');
    return true;
  } catch {
    // Older engines know the class but not the 'deflate-raw' format.
    return false;
  }
}

/**
 * Pushes `bytes` through a transform stream and collects what comes out, calling `onChunk` after
 * each output chunk so the caller can stop early. The write is not awaited before reading:
 * a large input would otherwise wait forever on backpressure.
 */
async function pump(
  stream: TransformStream<BufferSource, Uint8Array>,
  bytes: Uint8Array,
  onChunk: (total: number) => void,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Failures surface on the read side; the write side would otherwise report them as unhandled.
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      onChunk(total);
    }
  } catch (err) {
    reader.cancel().catch(() => undefined);
    throw err;
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks);
}

/** Raw DEFLATE (RFC 1951) with the platform's `CompressionStream` (zlib's default level). */
export function streamDeflate(bytes: Uint8Array): Promise<Uint8Array> {
  return pump(new CompressionStream('deflate-raw'), bytes, () => undefined);
}

/**
 * Inflates raw DEFLATE with `DecompressionStream`, cancelling the stream with `too-large` as soon
 * as the output passes `maxOutputBytes`.
 */
export async function streamInflate(bytes: Uint8Array, maxOutputBytes: number): Promise<Uint8Array> {
  if (bytes.length === 0) throw decodeFailed('empty input');
  try {
    return await pump(new DecompressionStream('deflate-raw'), bytes, (total) => {
      if (total > maxOutputBytes) throw tooLarge(maxOutputBytes);
    });
  } catch (err) {
    if (err instanceof StowageError) throw err;
    throw decodeFailed(err instanceof Error ? err.message : String(err), err);
  }
}
