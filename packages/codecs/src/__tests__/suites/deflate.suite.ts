import { describe, expect, test } from 'vitest';
import { deflateCodec, DEFAULT_MAX_OUTPUT_BYTES, type DeflateImplementation } from '../../deflate.js';
import { codecConformance } from './codec-conformance.js';
import { realisticJsonBytes, seededBytes } from './fixtures.js';
import { expectSameBytes, expectStowageError } from './assertions.js';

const IMPLEMENTATIONS: DeflateImplementation[] = ['auto', 'fflate', 'compression-stream'];

let bigBomb: Promise<Uint8Array> | undefined;
/** 64 MiB + 1 zero bytes, deflated (~65 KB) — built once, it takes a while. */
const defaultLimitBomb = (): Promise<Uint8Array> =>
  (bigBomb ??= Promise.resolve(deflateCodec({ implementation: 'fflate', level: 1 }).encode(new Uint8Array(DEFAULT_MAX_OUTPUT_BYTES + 1))));

/** Every deflate test; run in Node and in Chromium. */
export function deflateSuite(): void {
  for (const implementation of IMPLEMENTATIONS) {
    const codec = deflateCodec({ implementation });
    codecConformance({ name: `deflate (${implementation})`, codec: async () => codec, kind: 'compression', garbageCode: 'decode-failed' });
  }

  describe('deflate', () => {
    test('has id "deflate" whatever the implementation', () => {
      for (const implementation of IMPLEMENTATIONS) expect(deflateCodec({ implementation }).id).toBe('deflate');
    });

    test('compresses realistic JSON to well under half its size', async () => {
      const json = realisticJsonBytes(150_000);
      for (const implementation of IMPLEMENTATIONS) {
        const out = await deflateCodec({ implementation }).encode(json);
        expect(out.length).toBeLessThan(json.length / 2);
      }
    });

    test('each implementation decodes the other one’s output (same format)', async () => {
      const fflate = deflateCodec({ implementation: 'fflate' });
      const stream = deflateCodec({ implementation: 'compression-stream' });
      for (const input of [new Uint8Array(0), Uint8Array.of(1), realisticJsonBytes(2_000), realisticJsonBytes(150_000), seededBytes(100_000, 5)]) {
        const byFflate = await fflate.encode(input);
        const byStream = await stream.encode(input);
        expectSameBytes(await stream.decode(byFflate), input);
        expectSameBytes(await fflate.decode(byStream), input);
      }
    });

    test('the output is raw DEFLATE: no zlib or gzip header', async () => {
      const json = realisticJsonBytes(2_000);
      for (const implementation of ['fflate', 'compression-stream'] as const) {
        const out = await deflateCodec({ implementation }).encode(json);
        expect(out[0] === 0x78 && ((out[0] << 8) | (out[1] as number)) % 31 === 0).toBe(false); // zlib CMF/FLG
        expect(out[0] === 0x1f && out[1] === 0x8b).toBe(false); // gzip magic
      }
    });

    test("'auto' compresses with CompressionStream at level 6 (the measured winner), with fflate at other levels", async () => {
      const json = realisticJsonBytes(20_000);
      const auto = await deflateCodec().encode(json);
      expectSameBytes(auto, await deflateCodec({ implementation: 'compression-stream' }).encode(json));
      const auto9 = await deflateCodec({ level: 9 }).encode(json);
      expectSameBytes(auto9, await deflateCodec({ implementation: 'fflate', level: 9 }).encode(json));
    });

    test('level trades speed for size (level 9 ≤ level 1), both decodable', async () => {
      const json = realisticJsonBytes(150_000);
      const fast = deflateCodec({ level: 1 });
      const small = deflateCodec({ level: 9 });
      const a = await fast.encode(json);
      const b = await small.encode(json);
      expect(b.length).toBeLessThanOrEqual(a.length);
      expectSameBytes(await small.decode(a), json);
      expectSameBytes(await fast.decode(b), json);
    });

    test('rejects bad options with invalid-argument', async () => {
      for (const bad of [{ level: 10 }, { level: -1 }, { level: 1.5 }, { maxOutputBytes: 0 }, { maxOutputBytes: -5 }, { maxOutputBytes: Number.NaN }, { implementation: 'zstd' }, { implementation: 'compression-stream', level: 9 }]) {
        await expectStowageError(() => deflateCodec(bad as never), 'invalid-argument');
      }
    });

    for (const implementation of IMPLEMENTATIONS) {
      test(`${implementation}: stops a decompression bomb with too-large`, async () => {
        const bomb = await deflateCodec({ implementation: 'fflate' }).encode(new Uint8Array(8 * 1024 * 1024));
        expect(bomb.length).toBeLessThan(20_000);
        const err = await expectStowageError(() => deflateCodec({ implementation, maxOutputBytes: 1024 * 1024 }).decode(bomb), 'too-large');
        expect(err.details.maxOutputBytes).toBe(1024 * 1024);
      });

      test(`${implementation}: the limit is inclusive (exactly maxOutputBytes decodes)`, async () => {
        const input = realisticJsonBytes(50_000);
        const packed = await deflateCodec().encode(input);
        expectSameBytes(await deflateCodec({ implementation, maxOutputBytes: input.length }).decode(packed), input);
        await expectStowageError(() => deflateCodec({ implementation, maxOutputBytes: input.length - 1 }).decode(packed), 'too-large');
      });

      test(`${implementation}: the default limit is 64 MiB`, async () => {
        expect(DEFAULT_MAX_OUTPUT_BYTES).toBe(64 * 1024 * 1024);
        const bomb = await defaultLimitBomb();
        await expectStowageError(() => deflateCodec({ implementation }).decode(bomb), 'too-large');
      });

      test(`${implementation}: random garbage never decodes silently to nothing`, async () => {
        const codec = deflateCodec({ implementation });
        // Raw DEFLATE has no checksum, so some random streams are valid; what must never happen is
        // a crash or a non-StowageError. Count how many decode, to keep the claim honest.
        let decoded = 0;
        for (let seed = 0; seed < 200; seed++) {
          try {
            await codec.decode(seededBytes(1 + (seed % 97), seed));
            decoded++;
          } catch (err) {
            expect((err as { code?: string }).code).toBe('decode-failed');
          }
        }
        expect(decoded).toBeLessThan(20);
      });
    }
  });
}
