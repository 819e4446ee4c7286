import { describe, expect, test } from 'vitest';
import { decompressLegacy, lzStringCodec, type LzLegacyFormat } from '../../lz-string.js';
import { lz } from '../../lz-string-lib.js';
import { codecConformance } from './codec-conformance.js';
import { flipBit, prng, realisticJson, realisticJsonBytes, seededBytes } from './fixtures.js';
import { expectSameBytes, expectStowageError } from './assertions.js';

const SAMPLES = ['', 'a', 'hello world', 'héllo wörld — 世界 😀', realisticJson(10_000, 3), 'x'.repeat(50_000)];

/** Every lz-string test; run in Node and in Chromium. */
export function lzStringSuite(): void {
  const codec = lzStringCodec();
  codecConformance({ name: 'lz-string', codec: async () => codec, kind: 'compression', garbageCode: 'decode-failed' });

  describe('lzStringCodec', () => {
    test('writes exactly compressToUint8Array of the UTF-8 text (readable by any lz-string app)', async () => {
      for (const text of SAMPLES) {
        const out = await codec.encode(new TextEncoder().encode(text));
        expectSameBytes(out, lz.compressToUint8Array(text));
        expect(lz.decompressFromUint8Array(out)).toBe(text);
      }
    });

    test('reads compressToUint8Array output of other apps', async () => {
      for (const text of SAMPLES) {
        expect(new TextDecoder().decode(await codec.decode(lz.compressToUint8Array(text)))).toBe(text);
      }
    });

    test('bytes that are not UTF-8 round-trip through binary mode (odd length, marker 0x01)', async () => {
      const input = Uint8Array.of(0xff, 0xfe, 0x00, 0x80, 0xc3);
      const out = await codec.encode(input);
      expect(out.length % 2).toBe(1);
      expect(out[out.length - 1]).toBe(1);
      expectSameBytes(await codec.decode(out), input);
    });

    test('compresses realistic JSON', async () => {
      const json = realisticJsonBytes(150_000);
      expect((await codec.encode(json)).length).toBeLessThan(json.length / 2);
    });

    test('500 random inputs: every one rejects with decode-failed, none decodes to garbage', async () => {
      for (let seed = 0; seed < 500; seed++) {
        await expectStowageError(() => codec.decode(seededBytes(2 + 2 * (seed % 50), 1000 + seed)), 'decode-failed');
      }
    });

    test('random inputs that lz-string itself decodes to a (wrong) string are all rejected', async () => {
      // lz-string has no checksum: on garbage it returns null, '', throws — or a string. The codec
      // re-compresses the result and compares, which rejects every one of those strings.
      let acceptedByLz = 0;
      for (let seed = 0; seed < 2000; seed++) {
        const garbage = seededBytes(2 + 2 * (seed % 40), 5000 + seed);
        let plain: string | null = null;
        try {
          plain = lz.decompressFromUint8Array(garbage);
        } catch {
          // lz-string throws a TypeError on some garbage.
        }
        if (typeof plain === 'string' && plain !== '') acceptedByLz++;
        await expectStowageError(() => codec.decode(garbage), 'decode-failed');
      }
      expect(acceptedByLz).toBeGreaterThan(100);
    });

    test('a bit flip never crashes: it is rejected or yields a value (no checksum in the format)', async () => {
      const text = JSON.stringify({ user: 'Zoë', cart: [1, 2, 3], note: '😀'.repeat(4) });
      const packed = await codec.encode(new TextEncoder().encode(text));
      let rejected = 0;
      for (let bit = 0; bit < packed.length * 8; bit++) {
        const flipped = flipBit(packed, bit);
        try {
          const out = await codec.decode(flipped);
          expect(new TextDecoder().decode(out)).not.toBe(text);
        } catch (err) {
          expect((err as { code?: string }).code).toBe('decode-failed');
          rejected++;
        }
      }
      expect(rejected).toBeGreaterThan(0);
    });
  });

  describe('decompressLegacy', () => {
    const FORMATS: [LzLegacyFormat, (s: string) => string][] = [
      ['utf16', lz.compressToUTF16],
      ['base64', lz.compressToBase64],
      ['uri', lz.compressToEncodedURIComponent],
      ['raw', lz.compress],
    ];

    for (const [format, compress] of FORMATS) {
      test(`${format}: reads what lz-string wrote, including '' and unicode`, () => {
        for (const text of SAMPLES) expect(decompressLegacy(compress(text), format)).toBe(text);
      });

      test(`${format}: 300 random strings of the format's alphabet → decode-failed, never garbage`, async () => {
        const alphabet = compress(realisticJson(3_000, 8));
        const next = prng(77);
        for (let i = 0; i < 300; i++) {
          let s = '';
          const len = 1 + Math.floor(next() * 60);
          for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
          await expectStowageError(() => decompressLegacy(s, format), 'decode-failed');
        }
      });

      test(`${format}: '' is not lz-string output → decode-failed`, async () => {
        await expectStowageError(() => decompressLegacy('', format), 'decode-failed');
      });
    }

    test('base64 without padding and uri with "+" turned into spaces still decode', () => {
      const text = realisticJson(500, 4);
      expect(decompressLegacy(lz.compressToBase64(text).replace(/=+$/, ''), 'base64')).toBe(text);
      const uri = lz.compressToEncodedURIComponent(text);
      expect(uri).toContain('+');
      expect(decompressLegacy(uri.replace(/\+/g, ' '), 'uri')).toBe(text);
    });

    test('characters outside the format → decode-failed', async () => {
      await expectStowageError(() => decompressLegacy('abc!@#', 'base64'), 'decode-failed');
      await expectStowageError(() => decompressLegacy('abc/def', 'uri'), 'decode-failed');
      await expectStowageError(() => decompressLegacy('\u0001\u0002', 'utf16'), 'decode-failed');
    });

    test('bad arguments → invalid-argument', async () => {
      await expectStowageError(() => decompressLegacy('Q===', 'zip' as LzLegacyFormat), 'invalid-argument');
      await expectStowageError(() => decompressLegacy('Q===', 'toString' as LzLegacyFormat), 'invalid-argument');
      await expectStowageError(() => decompressLegacy(42 as unknown as string, 'base64'), 'invalid-argument');
    });
  });
}
