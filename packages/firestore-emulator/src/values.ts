import { invalidArgument } from './rpc-error.js';
import { canonicalTimestamp } from './timestamp.js';
import { parseReference } from './resource-path.js';

/** A double as kept on the wire: a finite number, or the strings proto3 JSON uses (and `-0`, as the SDK sends it). */
export type DoubleWire = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/**
 * A Firestore `Value` in proto3 JSON form, normalized: integers are canonical decimal strings,
 * timestamps are canonical microsecond UTC strings, bytes are canonical base64. Documents are stored
 * and answered in exactly this form, so int vs double and full int64 survive the round trip.
 */
export type Value =
  | { nullValue: null }
  | { booleanValue: boolean }
  | { integerValue: string }
  | { doubleValue: DoubleWire }
  | { timestampValue: string }
  | { stringValue: string }
  | { bytesValue: string }
  | { referenceValue: string }
  | { geoPointValue: { latitude: number; longitude: number } }
  | { arrayValue: { values: Value[] } }
  | { mapValue: { fields: Fields } };

/** A document's (or map's) fields. Always created with a null prototype so `__proto__` is an ordinary key. */
export type Fields = Record<string, Value>;

/** A fresh, prototype-free field record. */
export function emptyFields(): Fields {
  return Object.create(null) as Fields;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
/** Firestore's limit on map/array nesting. */
export const MAX_DEPTH = 20;

/** Options of {@link parseValue}. */
export interface ParseOptions {
  /** Filter operands (`IN [[1],[2]]`) may nest arrays; stored documents may not. @default false */
  allowNestedArrays?: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseDouble(raw: unknown, where: string): DoubleWire {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^(NaN|-?Infinity|[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)$/.test(raw)) n = Number(raw);
  else throw invalidArgument(`Invalid doubleValue at ${where}: ${JSON.stringify(raw)}`);
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Object.is(n, -0) ? '-0' : n;
}

function parseInteger(raw: unknown, where: string): string {
  const text = typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : raw;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text)) {
    throw invalidArgument(`Invalid integerValue at ${where}: ${JSON.stringify(raw)}`);
  }
  const big = BigInt(text);
  if (big < INT64_MIN || big > INT64_MAX) throw invalidArgument(`integerValue out of int64 range at ${where}`);
  return big.toString();
}

function parseCoordinate(raw: unknown, limit: number, where: string): number {
  const n = raw === undefined ? 0 : typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !(Math.abs(n) <= limit)) {
    throw invalidArgument(`Invalid geoPointValue at ${where}: ${JSON.stringify(raw)}`);
  }
  return n;
}

/** Parses a `fields` object (document or map). */
export function parseFields(raw: unknown, where: string, depth = 0, opts: ParseOptions = {}): Fields {
  if (raw === undefined) return emptyFields();
  if (!isObject(raw)) throw invalidArgument(`Invalid fields at ${where}.`);
  const out = emptyFields();
  for (const [key, value] of Object.entries(raw)) {
    if (key === '') throw invalidArgument(`Empty field name at ${where}.`);
    out[key] = parseValue(value, `${where}.${key}`, depth, opts);
  }
  return out;
}

/**
 * Validates and normalizes one `Value` from a request. Anything malformed — no or several kinds,
 * wrong JSON types, out-of-range numbers, nesting past {@link MAX_DEPTH} — is INVALID_ARGUMENT.
 */
export function parseValue(raw: unknown, where: string, depth = 0, opts: ParseOptions = {}): Value {
  if (!isObject(raw)) throw invalidArgument(`Invalid value at ${where}: ${JSON.stringify(raw)}`);
  const keys = Object.keys(raw);
  if (keys.length !== 1) throw invalidArgument(`A value must have exactly one kind at ${where}, got [${keys.join(', ')}].`);
  const kind = keys[0] as string;
  const v = raw[kind];
  switch (kind) {
    case 'nullValue':
      if (v !== null && v !== 'NULL_VALUE' && v !== 0) throw invalidArgument(`Invalid nullValue at ${where}`);
      return { nullValue: null };
    case 'booleanValue':
      if (typeof v !== 'boolean') throw invalidArgument(`Invalid booleanValue at ${where}`);
      return { booleanValue: v };
    case 'integerValue':
      return { integerValue: parseInteger(v, where) };
    case 'doubleValue':
      return { doubleValue: parseDouble(v, where) };
    case 'timestampValue':
      return { timestampValue: canonicalTimestamp(v, where) };
    case 'stringValue':
      if (typeof v !== 'string') throw invalidArgument(`Invalid stringValue at ${where}`);
      return { stringValue: v };
    case 'bytesValue':
      if (typeof v !== 'string' || !BASE64.test(v)) throw invalidArgument(`Invalid bytesValue at ${where}`);
      return { bytesValue: Buffer.from(v, 'base64').toString('base64') };
    case 'referenceValue':
      parseReference(v, where);
      return { referenceValue: v as string };
    case 'geoPointValue':
      if (!isObject(v)) throw invalidArgument(`Invalid geoPointValue at ${where}`);
      return {
        geoPointValue: {
          latitude: parseCoordinate(v.latitude, 90, where),
          longitude: parseCoordinate(v.longitude, 180, where),
        },
      };
    case 'arrayValue': {
      if (!isObject(v)) throw invalidArgument(`Invalid arrayValue at ${where}`);
      if (depth + 1 > MAX_DEPTH) throw invalidArgument(`Value at ${where} is nested deeper than ${MAX_DEPTH} levels.`);
      const list = v.values ?? [];
      if (!Array.isArray(list)) throw invalidArgument(`Invalid arrayValue.values at ${where}`);
      const values = list.map((item, i) => {
        const parsed = parseValue(item, `${where}[${i}]`, depth + 1, opts);
        if ('arrayValue' in parsed && !opts.allowNestedArrays) {
          throw invalidArgument(`Cannot convert an array value in an array value at ${where}[${i}].`);
        }
        return parsed;
      });
      return { arrayValue: { values } };
    }
    case 'mapValue': {
      if (!isObject(v)) throw invalidArgument(`Invalid mapValue at ${where}`);
      if (depth + 1 > MAX_DEPTH) throw invalidArgument(`Value at ${where} is nested deeper than ${MAX_DEPTH} levels.`);
      return { mapValue: { fields: parseFields(v.fields, where, depth + 1, opts) } };
    }
    default:
      throw invalidArgument(`Unknown value kind "${kind}" at ${where}.`);
  }
}

/** Type classes in Firestore's cross-type order. */
export const TypeOrder = {
  Null: 0,
  Boolean: 1,
  Number: 2,
  Timestamp: 3,
  String: 4,
  Bytes: 5,
  Reference: 6,
  GeoPoint: 7,
  Array: 8,
  Vector: 9,
  Map: 10,
} as const;
/** One of {@link TypeOrder}'s ranks. */
export type TypeOrder = (typeof TypeOrder)[keyof typeof TypeOrder];

/** True for the map encoding of a vector (`__type__: "__vector__"`). */
export function isVector(v: Value): v is { mapValue: { fields: Fields } } {
  return 'mapValue' in v && (v.mapValue.fields.__type__ as { stringValue?: string } | undefined)?.stringValue === '__vector__';
}

/** Which type class `v` belongs to. */
export function typeOrder(v: Value): TypeOrder {
  if ('nullValue' in v) return TypeOrder.Null;
  if ('booleanValue' in v) return TypeOrder.Boolean;
  if ('integerValue' in v || 'doubleValue' in v) return TypeOrder.Number;
  if ('timestampValue' in v) return TypeOrder.Timestamp;
  if ('stringValue' in v) return TypeOrder.String;
  if ('bytesValue' in v) return TypeOrder.Bytes;
  if ('referenceValue' in v) return TypeOrder.Reference;
  if ('geoPointValue' in v) return TypeOrder.GeoPoint;
  if ('arrayValue' in v) return TypeOrder.Array;
  return isVector(v) ? TypeOrder.Vector : TypeOrder.Map;
}

/** A double's numeric value (`'-0'` → -0, `'NaN'` → NaN). */
export function doubleOf(d: DoubleWire): number {
  return typeof d === 'number' ? d : Number(d);
}

/** Wraps a JS number as a double `Value`, keeping -0, NaN and infinities representable. */
export function doubleValue(n: number): Value {
  return { doubleValue: parseDouble(n, 'result') };
}

/** True if `v` is the double NaN. */
export function isNaNValue(v: Value): boolean {
  return 'doubleValue' in v && v.doubleValue === 'NaN';
}

/**
 * Strict structural identity (int 1 ≠ double 1.0, -0 ≠ 0, map key order ignored): decides whether a
 * write left a document unchanged, in which case it keeps its update time.
 */
export function identical(a: Value, b: Value): boolean {
  const ka = Object.keys(a)[0] as keyof Value;
  if (!(ka in b)) return false;
  const va = (a as Record<string, unknown>)[ka];
  const vb = (b as Record<string, unknown>)[ka];
  if ('arrayValue' in a && 'arrayValue' in b) {
    const x = a.arrayValue.values;
    const y = b.arrayValue.values;
    return x.length === y.length && x.every((item, i) => identical(item, y[i] as Value));
  }
  if ('mapValue' in a && 'mapValue' in b) return identicalFields(a.mapValue.fields, b.mapValue.fields);
  if ('geoPointValue' in a && 'geoPointValue' in b) {
    return a.geoPointValue.latitude === b.geoPointValue.latitude && a.geoPointValue.longitude === b.geoPointValue.longitude;
  }
  return va === vb;
}

/** {@link identical} over two field records. */
export function identicalFields(a: Fields, b: Fields): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => k in b && identical(a[k] as Value, b[k] as Value));
}
