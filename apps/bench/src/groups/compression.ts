import { deflateSync, inflateSync } from 'fflate';
import * as lzModule from 'lz-string';
import { deflateCodec } from '@stowage/codecs';
import { lzStringCodec } from '@stowage/codecs/lz-string';
import type { Codec } from '@stowage/core';
import { usersJson } from '../data.js';
import type { BenchCase, BenchGroup, CaseInstance, MetricDef } from '../types.js';

// lz-string is CommonJS: some loaders expose it only as `default`.
const lz = ((lzModule as unknown as { default?: typeof lzModule }).default ?? lzModule) as typeof lzModule;

const METRICS: MetricDef[] = [
  { key: 'compress', label: 'compress ms', unit: 'ms', better: 'lower' },
  { key: 'decompress', label: 'decompress ms', unit: 'ms', better: 'lower' },
  { key: 'size', label: 'output bytes', unit: 'bytes', better: 'lower' },
  { key: 'ratio', label: 'output/input %', unit: '%', better: 'lower' },
];

/** Compresses through the platform stream the way most code does it (Blob → pipeThrough → Response). */
async function viaStream(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function check(ok: boolean, what: string): void {
  // A benchmark of a broken round trip measures nothing: fail loudly instead.
  if (!ok) throw new Error(`benchmark setup: ${what} did not round-trip`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function instance(input: Uint8Array, packed: Uint8Array, compress: () => unknown, decompress: () => unknown): CaseInstance {
  return {
    timed: { compress, decompress },
    facts: { size: packed.length, ratio: (100 * packed.length) / input.length },
  };
}

function codecCase(name: string, make: () => Codec, text: string): BenchCase {
  return {
    name,
    ours: true,
    async setup() {
      const codec = make();
      const input = new TextEncoder().encode(text);
      const packed = await codec.encode(input);
      check(sameBytes(await codec.decode(packed), input), name);
      return instance(input, packed, () => codec.encode(input), () => codec.decode(packed));
    },
  };
}

/** Compression contenders on realistic JSON of about `bytes` bytes. */
export function compressionGroup(id: string, bytes: number): BenchGroup {
  const text = usersJson(bytes);
  const input = new TextEncoder().encode(text);
  return {
    id,
    title: `Compression of ${input.length.toLocaleString('en')} bytes of JSON`,
    metrics: METRICS,
    cases: [
      {
        name: 'fflate deflateSync/inflateSync (level 6)',
        setup() {
          const packed = deflateSync(input, { level: 6 });
          check(sameBytes(inflateSync(packed), input), 'fflate');
          return instance(input, packed, () => deflateSync(input, { level: 6 }), () => inflateSync(packed));
        },
      },
      {
        name: "CompressionStream('deflate-raw') via Blob → Response",
        async setup() {
          const packed = await viaStream(input, new CompressionStream('deflate-raw'));
          check(sameBytes(await viaStream(packed, new DecompressionStream('deflate-raw')), input), 'CompressionStream');
          return instance(input, packed, () => viaStream(input, new CompressionStream('deflate-raw')), () => viaStream(packed, new DecompressionStream('deflate-raw')));
        },
      },
      {
        name: 'lz-string compressToUint8Array',
        setup() {
          const packed = lz.compressToUint8Array(text);
          check(lz.decompressFromUint8Array(packed) === text, 'lz-string');
          return instance(input, packed, () => lz.compressToUint8Array(text), () => lz.decompressFromUint8Array(packed));
        },
      },
      codecCase("deflateCodec({ implementation: 'fflate' })", () => deflateCodec({ implementation: 'fflate' }), text),
      codecCase("deflateCodec({ implementation: 'compression-stream' })", () => deflateCodec({ implementation: 'compression-stream' }), text),
      codecCase('deflateCodec() (auto, the default)', () => deflateCodec(), text),
      codecCase('lzStringCodec() (verify on)', () => lzStringCodec(), text),
    ],
  };
}
