import type { Codec, Driver, DriverOp } from '@stowage/core';
import { memoryDriver } from '@stowage/core';
import { manualClock, memoryBroadcast } from '@stowage/core/testing';

/** Every data key of a driver (all namespaces), without the reserved keys (U+0000…) kept beside them, e.g. expiry markers. */
export async function dataKeys(driver: Driver): Promise<string[]> {
  return (await driver.keys('')).filter((k) => !k.startsWith('\u0000'));
}

/** Core's manual clock and in-process bus, under the names these tests use. */
export const fakeClock = manualClock;
export const broadcastHub = memoryBroadcast;

type SpyDriver = Driver & {
  batches: DriverOp[][];
  failWhen?: (ops: readonly DriverOp[]) => Error | undefined;
  /** Awaited before each batch reaches the inner driver (e.g. "another tab" writes meanwhile). */
  before?: (ops: readonly DriverOp[]) => Promise<void>;
};

/** Wraps a driver, counting batches and letting a test make puts fail or run code before them. */
export function spyDriver(inner: Driver = memoryDriver()): SpyDriver {
  const spy = Object.create(inner) as SpyDriver;
  spy.batches = [];
  spy.batch = async (ops) => {
    await spy.before?.(ops);
    const err = spy.failWhen?.(ops);
    if (err) throw err;
    spy.batches.push([...ops]);
    return inner.batch(ops);
  };
  for (const m of ['open', 'get', 'getMany', 'entries', 'keys', 'clear', 'close'] as const) {
    (spy as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  }
  return spy;
}

/** Test-only reversible "compression": run-length encoding of bytes (shrinks repetitive data). */
export const rleCodec: Codec = {
  id: 'rle',
  kind: 'compression',
  encode(b) {
    const out: number[] = [];
    for (let i = 0; i < b.length; ) {
      let n = 1;
      while (i + n < b.length && b[i + n] === b[i] && n < 255) n++;
      out.push(n, b[i] as number);
      i += n;
    }
    return new Uint8Array(out);
  },
  decode(b) {
    if (b.length % 2) throw new Error('odd length');
    const out: number[] = [];
    for (let i = 0; i < b.length; i += 2) for (let k = 0; k < (b[i] as number); k++) out.push(b[i + 1] as number);
    return new Uint8Array(out);
  },
};

/**
 * Test-only "encryption": XOR with a key byte plus a checksum byte, so a wrong key is detected.
 * Enough to prove the pipeline's ordering and failure mapping; real AES-GCM is tested in @stowage/codecs.
 */
export function xorCipher(keyByte: number): Codec {
  return {
    id: 'xor',
    kind: 'encryption',
    encode(b) {
      const out = new Uint8Array(b.length + 1);
      let sum = 0;
      b.forEach((x, i) => {
        out[i] = x ^ keyByte;
        sum = (sum + x) & 0xff;
      });
      out[b.length] = sum ^ keyByte;
      return out;
    },
    decode(b) {
      const out = b.slice(0, -1).map((x) => x ^ keyByte);
      const sum = out.reduce((s, x) => (s + x) & 0xff, 0);
      if ((sum ^ keyByte) !== b[b.length - 1]) throw new Error('checksum mismatch');
      return out;
    },
  };
}
