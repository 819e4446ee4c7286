// Record format v2 (envelope.ts): the row maps back to the very record every layer reads, v1
// envelopes and foreign values still map as before, and code that only knows v1 refuses a row.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromRow, isRow, isStoredRecord, recordOf, toRow, V2_CODEC } from '@stowage/core';
import type { StoredRecord } from '@stowage/core';
import { CodecPipeline } from '../layers/codec-pipeline.js';
import { utf8Length } from '../serialize.js';

const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
const codecId = fc.string({ minLength: 1, maxLength: 12 }).filter((id) => id !== V2_CODEC);

/** Any record the kernel can hold: plain or encoded, any times, schema, expiry and sizes. */
const storedRecord: fc.Arbitrary<StoredRecord> = fc
  .record({
    s: fc.nat({ max: 50 }),
    createdAt: time,
    updatedAt: time,
    expiresAt: fc.option(time, { nil: undefined }),
    size: fc.nat(),
    rawSize: fc.nat(),
    payload: fc.oneof(
      fc.record({ value: fc.jsonValue() }),
      fc.record({ codecs: fc.array(codecId, { minLength: 1, maxLength: 3 }), data: fc.uint8Array({ maxLength: 64 }) }),
    ),
  })
  .map(({ payload, expiresAt, ...r }) => {
    const rec: StoredRecord = 'value' in payload ? { v: 2, ...r, codecs: [], value: payload.value } : { v: 2, ...r, codecs: payload.codecs, data: payload.data };
    if (expiresAt !== undefined) rec.expiresAt = expiresAt;
    return rec;
  });

describe('record format v2', () => {
  it('any StoredRecord → v2 row (structured-cloned, as a driver stores it) → StoredRecord is the identity', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), storedRecord, (key, r) => {
        const row = structuredClone(toRow(key, r));
        expect(isRow(row)).toBe(true);
        expect(recordOf(key, row)).toEqual(r);
        expect(fromRow(row)).toEqual(r);
      }),
      { numRuns: 500 },
    );
  });

  it('a plain record written now is lean: its key, the value and the four fields v1 code checks', () => {
    const key = 'user:1';
    const r: StoredRecord = { v: 2, s: 1, codecs: [], value: { a: 1 }, createdAt: 5, updatedAt: 5, size: utf8Length(key) + 7, rawSize: 7 };
    expect(toRow(key, r)).toEqual({ k: key, v: 2, codecs: [V2_CODEC], value: { a: 1 }, updatedAt: 5, size: utf8Length(key) + 7 });
    // Each default, once it differs, is carried.
    expect(toRow(key, { ...r, createdAt: 1, s: 3, rawSize: 99, expiresAt: 9 })).toMatchObject({ createdAt: 1, s: 3, rawSize: 99, expiresAt: 9 });
  });

  it('v1 envelopes are read as they are; foreign values are adopted as schema 0', () => {
    const v1: StoredRecord = { v: 1, s: 1, codecs: [], value: 'x', createdAt: 1, updatedAt: 2, size: 4, rawSize: 3 };
    expect(recordOf('k', v1)).toBe(v1);
    expect(isRow(v1)).toBe(false);
    expect(recordOf('k', { from: 'idb-keyval' })).toMatchObject({ v: 0, s: 0, value: { from: 'idb-keyval' }, codecs: [], updatedAt: 0 });
    // A foreign value that looks like a row but lacks the closing codec id is not taken for one.
    expect(isRow({ k: 'k', v: 2, codecs: [], updatedAt: 1, size: 1, value: 1 })).toBe(false);
  });

  it('v1 code (which takes any envelope as its record) refuses a row with decode-failed, rather than reading or rewriting it', async () => {
    const plain = toRow('k', { v: 2, s: 1, codecs: [], value: 'secret', createdAt: 1, updatedAt: 1, size: 9, rawSize: 8 });
    const encoded = toRow('k', { v: 2, s: 1, codecs: ['xor'], data: new Uint8Array([1, 2]), createdAt: 1, updatedAt: 1, size: 3, rawSize: 8 });
    const xor = { id: 'xor', kind: 'encryption' as const, encode: async (b: Uint8Array) => b, decode: async (b: Uint8Array) => b };
    const v1Pipeline = new CodecPipeline({ encryption: xor, compressThreshold: 1024, ctx: { get: async () => undefined, set: async () => undefined } as never });
    for (const row of [plain, encoded]) {
      expect(isStoredRecord(row)).toBe(true); // v1's own test: so not a foreign value its migrations would rewrite
      await expect(v1Pipeline.decode(row, 'k')).rejects.toMatchObject({ code: 'decode-failed' });
    }
  });
});
