import { doubleOf, typeOrder, TypeOrder, type Fields, type Value } from './values.js';

/**
 * Firestore's total order over values (orderBy, ranges, cursors) and its query equality.
 * Across types: null < bool < numbers < timestamps < strings < bytes < references < geo points
 * < arrays < vectors < maps. Within numbers NaN is smallest and ints/doubles compare by value.
 */

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/**
 * Compares strings by their UTF-8 bytes, which is code-point order — not JS's UTF-16 code-unit
 * order, which puts U+10000… (surrogate pairs, e.g. emoji) *before* U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    // A surrogate stands for a code point above every BMP character.
    if (sa !== sb) return sa ? 1 : -1;
    return ca < cb ? -1 : 1;
  }
  return sign(a.length - b.length);
}

const NUMERIC_ID = /^__id(-?\d+)__$/;

/** Document/collection ids: legacy numeric ids (`__id7__`) first, by number; then UTF-8 order. */
export function compareIds(a: string, b: string): number {
  const na = NUMERIC_ID.exec(a);
  const nb = NUMERIC_ID.exec(b);
  if (na && nb) {
    const x = BigInt(na[1] as string);
    const y = BigInt(nb[1] as string);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (na || nb) return na ? -1 : 1;
  return compareUtf8(a, b);
}

/** Compares resource names (references, document names) segment by segment. */
export function compareReferences(a: string, b: string): number {
  if (a === b) return 0;
  const x = a.split('/');
  const y = b.split('/');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const c = compareIds(x[i] as string, y[i] as string);
    if (c !== 0) return c;
  }
  return sign(x.length - y.length);
}

function compareIntDouble(i: bigint, d: number): number {
  if (Number.isNaN(d)) return 1;
  if (d === Infinity) return -1;
  if (d === -Infinity) return 1;
  const t = Math.trunc(d);
  const bt = BigInt(t);
  if (i !== bt) return i < bt ? -1 : 1;
  // Same integer part: the double's fraction decides.
  return -sign(d - t);
}

function compareDoubles(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric comparison of two number values (integer or double), exact for full int64. */
export function compareNumbers(a: Value, b: Value): number {
  if ('integerValue' in a) {
    if ('integerValue' in b) {
      // Up to 15 digits is exact as a double; skip the (slow) BigInt parse in the common case.
      if (a.integerValue.length <= 15 && b.integerValue.length <= 15) return sign(Number(a.integerValue) - Number(b.integerValue));
      const x = BigInt(a.integerValue);
      const y = BigInt(b.integerValue);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return compareIntDouble(BigInt(a.integerValue), doubleOf((b as { doubleValue: number }).doubleValue));
  }
  const da = doubleOf((a as { doubleValue: number }).doubleValue);
  if ('integerValue' in b) return -compareIntDouble(BigInt(b.integerValue), da);
  return compareDoubles(da, doubleOf((b as { doubleValue: number }).doubleValue));
}

function compareBytes(a: string, b: string): number {
  return sign(Buffer.compare(Buffer.from(a, 'base64'), Buffer.from(b, 'base64')));
}

function compareArrays(x: readonly Value[], y: readonly Value[]): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(x[i] as Value, y[i] as Value);
    if (c !== 0) return c;
  }
  return sign(x.length - y.length);
}

function compareMaps(a: Fields, b: Fields): number {
  const ka = Object.keys(a).sort(compareUtf8);
  const kb = Object.keys(b).sort(compareUtf8);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const c = compareUtf8(ka[i] as string, kb[i] as string) || compareValues(a[ka[i] as string] as Value, b[kb[i] as string] as Value);
    if (c !== 0) return c;
  }
  return sign(ka.length - kb.length);
}

function vectorElements(v: { mapValue: { fields: Fields } }): Value[] {
  const inner = v.mapValue.fields.value;
  return inner && 'arrayValue' in inner ? inner.arrayValue.values : [];
}

/** Firestore's total order over values: negative, zero or positive like `Array.prototype.sort`. */
export function compareValues(a: Value, b: Value): number {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case TypeOrder.Null:
      return 0;
    case TypeOrder.Boolean:
      return sign(Number((a as { booleanValue: boolean }).booleanValue) - Number((b as { booleanValue: boolean }).booleanValue));
    case TypeOrder.Number:
      return compareNumbers(a, b);
    case TypeOrder.Timestamp: {
      // Canonical fixed-width strings: plain string order is time order.
      const x = (a as { timestampValue: string }).timestampValue;
      const y = (b as { timestampValue: string }).timestampValue;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case TypeOrder.String:
      return compareUtf8((a as { stringValue: string }).stringValue, (b as { stringValue: string }).stringValue);
    case TypeOrder.Bytes:
      return compareBytes((a as { bytesValue: string }).bytesValue, (b as { bytesValue: string }).bytesValue);
    case TypeOrder.Reference:
      return compareReferences((a as { referenceValue: string }).referenceValue, (b as { referenceValue: string }).referenceValue);
    case TypeOrder.GeoPoint: {
      const x = (a as { geoPointValue: { latitude: number; longitude: number } }).geoPointValue;
      const y = (b as { geoPointValue: { latitude: number; longitude: number } }).geoPointValue;
      return compareDoubles(x.latitude, y.latitude) || compareDoubles(x.longitude, y.longitude);
    }
    case TypeOrder.Array:
      return compareArrays((a as { arrayValue: { values: Value[] } }).arrayValue.values, (b as { arrayValue: { values: Value[] } }).arrayValue.values);
    case TypeOrder.Vector: {
      const x = vectorElements(a as { mapValue: { fields: Fields } });
      const y = vectorElements(b as { mapValue: { fields: Fields } });
      // Vectors order by dimension first, then element-wise.
      return sign(x.length - y.length) || compareArrays(x, y);
    }
    default:
      return compareMaps((a as { mapValue: { fields: Fields } }).mapValue.fields, (b as { mapValue: { fields: Fields } }).mapValue.fields);
  }
}

/**
 * Query equality: same type class and equal value (1 == 1.0, -0 == 0, NaN == NaN, maps ignore key
 * order, arrays are ordered). Operators that must never match null/NaN check that themselves.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  const ta = typeOrder(a);
  if (ta !== typeOrder(b)) return false;
  if (ta === TypeOrder.Array) {
    const x = (a as { arrayValue: { values: Value[] } }).arrayValue.values;
    const y = (b as { arrayValue: { values: Value[] } }).arrayValue.values;
    return x.length === y.length && x.every((item, i) => valuesEqual(item, y[i] as Value));
  }
  if (ta === TypeOrder.Map || ta === TypeOrder.Vector) {
    const x = (a as { mapValue: { fields: Fields } }).mapValue.fields;
    const y = (b as { mapValue: { fields: Fields } }).mapValue.fields;
    const keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every((k) => k in y && valuesEqual(x[k] as Value, y[k] as Value));
  }
  return compareValues(a, b) === 0;
}
