import { describe, expect, it } from 'vitest';
import { compareIds, compareUtf8, compareValues, valuesEqual } from '../compare.js';
import { parseFieldPath, formatFieldPath } from '../field-path.js';
import { canonicalTimestamp } from '../timestamp.js';
import { parseValue, type Value } from '../values.js';

const v = (raw: unknown): Value => parseValue(raw, 'test');

describe('value order and equality', () => {
  it('compares strings by UTF-8 bytes', () => {
    const sorted = ['\u{1F600}', '\uFFFF', 'z', 'a', '', 'é', '\u{10000}'].sort(compareUtf8);
    expect(sorted).toEqual(['', 'a', 'z', 'é', '\uFFFF', '\u{10000}', '\u{1F600}']);
    // Consistency with Buffer's byte order on random strings, including surrogate pairs.
    const pool = ['a', 'é', '\uE000', '\uFFFD', '\u{1F600}', '\u{10437}', '\u0000'];
    for (let i = 0; i < 500; i++) {
      const s = () => Array.from({ length: 1 + (i % 4) }, (_, j) => pool[(i * 7 + j * 3) % pool.length]).join('');
      const a = s() + pool[i % pool.length];
      const b = s();
      expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }
  });

  it('compares ints and doubles exactly, including beyond 2^53', () => {
    expect(compareValues(v({ integerValue: '9007199254740993' }), v({ doubleValue: 9007199254740992 }))).toBe(1);
    expect(compareValues(v({ integerValue: '3' }), v({ doubleValue: 3.5 }))).toBe(-1);
    expect(compareValues(v({ integerValue: '-3' }), v({ doubleValue: -3.5 }))).toBe(1);
    expect(compareValues(v({ doubleValue: 'NaN' }), v({ doubleValue: '-Infinity' }))).toBe(-1);
    expect(compareValues(v({ doubleValue: '-0' }), v({ integerValue: '0' }))).toBe(0);
    expect(valuesEqual(v({ integerValue: '1' }), v({ doubleValue: 1 }))).toBe(true);
    expect(valuesEqual(v({ integerValue: '1' }), v({ stringValue: '1' }))).toBe(false);
  });

  it('orders timestamps, bytes, references, geo points, arrays, vectors and maps', () => {
    const asc = (a: unknown, b: unknown) => expect(compareValues(v(a), v(b))).toBe(-1);
    asc({ timestampValue: '1969-12-31T23:59:59.999999Z' }, { timestampValue: '1970-01-01T01:00:00+00:30' });
    asc({ bytesValue: 'AQ==' }, { bytesValue: 'AQI=' });
    asc({ bytesValue: 'fw==' }, { bytesValue: 'gA==' }); // unsigned
    asc({ referenceValue: 'projects/p/databases/d/documents/c/a' }, { referenceValue: 'projects/p/databases/d/documents/c/a/s/x' });
    asc({ referenceValue: 'projects/p/databases/d/documents/c/__id99__' }, { referenceValue: 'projects/p/databases/d/documents/c/a' });
    asc({ geoPointValue: { latitude: 1, longitude: 50 } }, { geoPointValue: { latitude: 2, longitude: 0 } });
    asc({ arrayValue: { values: [{ integerValue: '1' }] } }, { arrayValue: { values: [{ integerValue: '1' }, { integerValue: '0' }] } });
    const vec = (...n: number[]) => ({ mapValue: { fields: { __type__: { stringValue: '__vector__' }, value: { arrayValue: { values: n.map((x) => ({ doubleValue: x })) } } } } });
    asc(vec(9), vec(1, 1)); // dimension first
    asc({ arrayValue: { values: [{ integerValue: '9' }] } }, vec(1));
    asc(vec(1, 2, 3), { mapValue: { fields: {} } });
    asc({ mapValue: { fields: { a: { integerValue: '2' } } } }, { mapValue: { fields: { b: { integerValue: '1' } } } });
    expect(valuesEqual(v({ mapValue: { fields: { a: { integerValue: '1' }, b: { nullValue: null } } } }), v({ mapValue: { fields: { b: { nullValue: null }, a: { doubleValue: 1 } } } }))).toBe(true);
    expect(compareIds('__id-5__', '__id3__')).toBe(-1);
  });

  it('parses timestamps to microseconds, any offset and 0–9 fraction digits', () => {
    expect(canonicalTimestamp('2024-02-29T12:00:00.123456789Z', 't')).toBe('2024-02-29T12:00:00.123456Z');
    expect(canonicalTimestamp('2024-03-01T01:30:00+02:00', 't')).toBe('2024-02-29T23:30:00.000000Z');
    expect(canonicalTimestamp('0001-01-01T00:00:00Z', 't')).toBe('0001-01-01T00:00:00.000000Z');
    expect(() => canonicalTimestamp('10000-01-01T00:00:00Z', 't')).toThrow();
    expect(() => canonicalTimestamp('2024-13-01T00:00:00Z', 't')).toThrow();
  });

  it('rejects malformed values with INVALID_ARGUMENT', () => {
    for (const bad of [{}, { integerValue: '1.5' }, { stringValue: 1 }, { a: 1 }, { booleanValue: true, nullValue: null }, { geoPointValue: { latitude: 91 } }, { bytesValue: '$$' }, { referenceValue: 'c/d' }, { arrayValue: { values: [{ arrayValue: {} }] } }]) {
      expect(() => v(bad)).toThrow(expect.objectContaining({ status: 'INVALID_ARGUMENT' }));
    }
    let deep: unknown = { integerValue: '1' };
    for (let i = 0; i < 21; i++) deep = { mapValue: { fields: { x: deep } } };
    expect(() => v(deep)).toThrow(expect.objectContaining({ status: 'INVALID_ARGUMENT' }));
  });

  it('parses and formats field paths with back-quotes', () => {
    expect(parseFieldPath('a.`b.c`.`x\\`y`.`9lead`')).toEqual(['a', 'b.c', 'x`y', '9lead']);
    expect(formatFieldPath(['a', 'b.c', 'x`y', '9lead'])).toBe('a.`b.c`.`x\\`y`.`9lead`');
    for (const bad of ['', 'a..b', 'a.', '`open', 'a`b']) expect(() => parseFieldPath(bad)).toThrow();
  });
});
