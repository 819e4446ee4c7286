import { describe, expect, test } from 'vitest';
import type { Codec, StowageErrorCode } from '@stowage/core';
import { realisticJsonBytes, seededBytes } from './fixtures.js';
import { expectSameBytes, expectStowageError } from './assertions.js';

/** What every codec must do, whatever it is. */
export interface CodecConformanceOptions {
  name: string;
  /** Returns a ready (initialised) codec; may return the same one each time. */
  codec: () => Promise<Codec>;
  kind: Codec['kind'];
  /** Error code for bytes the codec cannot read. */
  garbageCode: StowageErrorCode;
}

/** Round trips of edge-case inputs and rejection of garbage, for any {@link Codec}. */
export function codecConformance(o: CodecConformanceOptions): void {
  describe(`${o.name}: Codec conformance`, () => {
    const inputs: [string, () => Uint8Array][] = [
      ['empty', () => new Uint8Array(0)],
      ['1 byte', () => Uint8Array.of(0x7b)],
      ['150 KB JSON', () => realisticJsonBytes(150_000)],
      ['64 KB random bytes', () => seededBytes(65_536, 42)],
      ['all byte values', () => Uint8Array.from({ length: 256 }, (_, i) => i)],
    ];
    for (const [label, make] of inputs) {
      test(`round-trips ${label}`, async () => {
        const codec = await o.codec();
        const input = make();
        const copy = input.slice();
        const encoded = await codec.encode(input);
        expect(encoded).toBeInstanceOf(Uint8Array);
        expectSameBytes(input, copy); // the codec must not modify its input
        const decoded = await codec.decode(encoded);
        expectSameBytes(decoded, input);
      });
    }

    test('declares its id and kind', async () => {
      const codec = await o.codec();
      expect(typeof codec.id).toBe('string');
      expect(codec.id.length).toBeGreaterThan(0);
      expect(codec.kind).toBe(o.kind);
    });

    test(`rejects garbage with ${o.garbageCode}`, async () => {
      const codec = await o.codec();
      const garbage = [new Uint8Array(0), Uint8Array.of(0xff), seededBytes(7, 1), seededBytes(64, 2), seededBytes(4096, 3)];
      for (const g of garbage) await expectStowageError(() => codec.decode(g), o.garbageCode);
    });

    test(`rejects every truncation of a value with ${o.garbageCode}`, async () => {
      const codec = await o.codec();
      const encoded = await codec.encode(realisticJsonBytes(300, 9));
      for (let n = 0; n < encoded.length; n++) await expectStowageError(() => codec.decode(encoded.subarray(0, n)), o.garbageCode);
    });
  });
}
