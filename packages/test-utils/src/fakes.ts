import { manualClock, memoryBroadcast } from '@stowage/core/testing';
import type { Codec, Driver, DriverOp } from '@stowage/core';
import type { ManualClock } from '@stowage/core/testing';

/** Lets pending promise chains (memory driver, in-page locks, fake bus) run to completion. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** The manual clock of core (kept under this name for the test suites). */
export type FakeClock = ManualClock;
/** Creates core's manual clock. */
export const fakeClock: (start?: number) => FakeClock = manualClock;
/** Core's in-process broadcast bus. */
export const memoryBus = memoryBroadcast;

/**
 * A test-only encryption codec: XOR with a key byte behind a 4-byte marker. Decoding bytes without
 * the marker, or with another key's marker, throws — like a real cipher with the wrong key. Real
 * AES-GCM is tested in @stowage/codecs.
 */
export function xorCodec(keyByte = 0x5a, id = 'test-xor'): Codec {
  const marker = [0x45, 0x4e, 0x43, keyByte];
  return {
    id,
    kind: 'encryption',
    encode: (bytes) => Uint8Array.from([...marker, ...bytes.map((b) => b ^ keyByte)]),
    decode: (bytes) => {
      if (!marker.every((m, i) => bytes[i] === m)) throw new Error('bad key or not encrypted by this codec');
      return bytes.slice(4).map((b) => b ^ keyByte);
    },
  };
}

/**
 * A test-only encryption codec with several keys of {@link xorCodec} (the key byte is in each
 * ciphertext, so every key decodes what it wrote); `use(k)` rotates to key `k` for new writes.
 */
export function rotatingXor(...keys: number[]): Codec & { use(key: number): void } {
  const codecs = new Map(keys.map((k) => [k, xorCodec(k)]));
  let current = keys[0] as number;
  return {
    id: 'test-xor',
    kind: 'encryption',
    encode: (bytes) => (codecs.get(current) as Codec).encode(bytes),
    decode: (bytes) => {
      const codec = codecs.get(bytes[3] as number);
      if (!codec) throw new Error('no such key');
      return codec.decode(bytes);
    },
    use: (key) => {
      current = key;
    },
  };
}

/**
 * A test-only `'compression'` codec: run-length encoding, so repetitive values shrink and the
 * storage keeps them compressed. (Core's own tests have a twin: core cannot depend on this package.)
 */
export function rleCodec(id = 'test-rle'): Codec {
  return {
    id,
    kind: 'compression',
    encode: (bytes) => {
      const out: number[] = [];
      for (let i = 0; i < bytes.length; ) {
        let n = 1;
        while (n < 255 && bytes[i + n] === bytes[i]) n++;
        out.push(n, bytes[i] as number);
        i += n;
      }
      return Uint8Array.from(out);
    },
    decode: (bytes) => Uint8Array.from(Array.from({ length: bytes.length >> 1 }, (_, j) => new Array<number>(bytes[2 * j] as number).fill(bytes[2 * j + 1] as number)).flat()),
  };
}

/**
 * `inner`, except that every `batch` first awaits `before(ops)`: a test can let "another tab" write
 * between a storage's read and its commit, or hold a commit back (a frozen tab). Everything else
 * is delegated, bound to `inner` (drivers keep state in private fields).
 */
export function interceptBatches(inner: Driver, before: (ops: readonly DriverOp[]) => void | Promise<void>): Driver {
  return {
    name: inner.name,
    scope: inner.scope,
    capabilities: inner.capabilities,
    open: () => inner.open(),
    get: (key) => inner.get(key),
    getMany: (keys) => inner.getMany(keys),
    entries: (prefix, options) => inner.entries(prefix, options),
    keys: (prefix) => inner.keys(prefix),
    clear: (prefix) => inner.clear(prefix),
    close: () => inner.close(),
    batch: async (ops) => {
      await before(ops);
      return inner.batch(ops);
    },
  };
}
