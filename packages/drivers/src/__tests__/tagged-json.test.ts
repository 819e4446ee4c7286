import { describe, expect, it } from 'vitest';
import { StowageError } from '@stowage/core';
import { expectBytes, sampleBytes } from '@stowage/test-utils';
import { decodeTagged, encodeTagged } from '../tagged-json.js';

const roundTrip = (value: unknown) => decodeTagged(encodeTagged(value));

describe('tagged JSON', () => {
  it('round-trips Uint8Arrays at any depth, byte-exact, including views', () => {
    const bytes = sampleBytes(70_000); // bigger than one base64 chunk
    const got = roundTrip({ a: [bytes, { b: bytes.subarray(5, 9) }] }) as { a: [Uint8Array, { b: Uint8Array }] };
    expectBytes(got.a[0], bytes);
    expectBytes(got.a[1].b, bytes.subarray(5, 9));
  });

  it('escapes user objects that own the tag key, so they never decode as tags', () => {
    const value = { $t: 'u8', v: 'AAEC', nested: { $t: 'undef' } };
    expect(roundTrip(value)).toEqual(value);
    expect(roundTrip([{ $t: 'obj', v: 1 }])).toEqual([{ $t: 'obj', v: 1 }]);
  });

  it("keeps '__proto__' as an ordinary key instead of setting a prototype", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
    const got = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toEqual(['__proto__', 'x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('allows shared (non-cyclic) references, refuses cycles with the path', () => {
    const shared = { n: 1 };
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: { n: 1 }, b: { n: 1 } });
    const cyclic: { list: unknown[] } = { list: [] };
    cyclic.list.push(cyclic);
    try {
      encodeTagged(cyclic);
      expect.unreachable('encodeTagged accepted a cycle');
    } catch (err) {
      expect(err).toBeInstanceOf(StowageError);
      expect((err as StowageError).code).toBe('invalid-argument');
      expect((err as StowageError).details.path).toBe('$.list[0]');
    }
  });

  it('refuses class instances and unsupported built-ins instead of flattening them', () => {
    class Point {
      x = 1;
    }
    for (const value of [new Point(), new Set([1]), new Float32Array(1), new ArrayBuffer(2), /re/, () => 1]) {
      expect(() => encodeTagged({ value })).toThrow(StowageError);
    }
  });

  it("reports unknown tags and malformed payloads as 'decode-failed'", () => {
    for (const text of ['{"$t":"wat"}', '{"$t":"num","v":"12"}', '{"$t":"bigint","v":"x"}', '{"$t":"obj","v":3}', '[']) {
      expect(() => decodeTagged(text), text).toThrow(expect.objectContaining({ code: 'decode-failed' }));
    }
  });
});
