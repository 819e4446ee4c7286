import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeValue, StowageError, utf8Length } from '@stowage/core';

const encodedLength = (s: string): number => new TextEncoder().encode(s).length;

/** `{ a: { a: … leaf … } }`, `depth` objects deep. */
function nested(depth: number, leaf: unknown): Record<string, unknown> {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v as Record<string, unknown>;
}

describe('utf8Length', () => {
  it("agrees with TextEncoder on long strings of every kind of character (the native encoder's path)", () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }), // any code point, astral ones included
      fc.constantFrom('\ud800', '\udfff', 'é', '€', '😀', '\u0000'), // lone surrogates count 3, as U+FFFD
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1024, max: 3000 }), (parts, pad) => {
        const s = 'x'.repeat(pad) + parts.join('');
        expect(utf8Length(s)).toBe(encodedLength(s));
      }),
    );
  });

  it('counts strings longer than one scratch chunk, with multi-byte characters across its edges', () => {
    for (const unit of ['é', '€', '😀', 'a\ud800']) {
      const s = unit.repeat(70_000); // 140–280 KB of UTF-8: several 64 KB chunks
      expect(utf8Length(s), unit).toBe(encodedLength(s));
    }
  });

  it('agrees with TextEncoder on short strings (the loop)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(utf8Length(s)).toBe(encodedLength(s));
      }),
    );
  });
});

describe('serializeValue: the quick walk and the one that names the path', () => {
  it('accepts a value nested deeper than the quick walk follows', () => {
    const v = nested(300, [1, 'two', null]);
    const s = serializeValue(v, 'k');
    expect(s.value).toEqual(v);
    expect(s.bytes).toBe(encodedLength(JSON.stringify(v)));
  });

  // Every rule of the walks, in an object and in an array, at the top and a few levels down: the
  // quick walk must send each to the walk that refuses it.
  const bad: [string, () => unknown, string][] = [
    ['NaN', () => Number.NaN, 'non-finite-number'],
    ['-Infinity', () => -Infinity, 'non-finite-number'],
    ['a function', () => () => 1, 'function'],
    ['a symbol', () => Symbol('s'), 'symbol'],
    ['a bigint', () => 1n, 'bigint'],
    ['an invalid Date', () => new Date('nope'), 'invalid-date'],
    ['a Map', () => new Map(), 'unsupported-type'],
    ['symbol-keyed properties', () => ({ [Symbol('k')]: 1 }), 'symbol'],
    ['undefined in an array', () => [undefined], 'undefined'],
    ['a hole', () => [1, , 2], 'undefined'],
  ];
  for (const [name, make, reason] of bad) {
    for (const depth of [0, 1, 3]) {
      for (const wrap of ['object', 'array'] as const) {
        it(`refuses ${name} in an ${wrap}, ${depth} levels down`, () => {
          const part = wrap === 'object' ? { x: make() } : [0, make()];
          expect(() => serializeValue(nested(depth, part), 'k')).toThrow(
            expect.objectContaining({ code: 'invalid-argument', details: expect.objectContaining({ reason }) }) as Error,
          );
        });
      }
    }
  }

  it('refuses a bad part deep down, with its path', () => {
    const v = nested(100, { n: Number.NaN });
    let err: unknown;
    try {
      serializeValue(v, 'k');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StowageError);
    expect(err).toMatchObject({ code: 'invalid-argument', details: { reason: 'non-finite-number', path: `$${'.a'.repeat(100)}.n` } });
  });

  it('refuses a cycle that starts below the depth the quick walk follows', () => {
    const inner: Record<string, unknown> = {};
    inner.back = inner;
    expect(() => serializeValue(nested(80, inner), 'k')).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'cyclic' }) }) as Error);
  });

  it("keeps the snapshot of what was serialized, not the caller's later edits", () => {
    const v = { list: [1, 2], when: new Date(0) };
    const s = serializeValue(v, 'k');
    v.list.push(3);
    expect(s.value).toEqual({ list: [1, 2], when: '1970-01-01T00:00:00.000Z' });
    expect(s.value).toBe(s.value); // parsed once
    expect(s.json).toBe(JSON.stringify({ list: [1, 2], when: new Date(0) }));
  });
});
