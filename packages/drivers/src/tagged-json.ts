import { StowageError } from '@stowage/core';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/**
 * JSON with tags, for backends that only store strings (Web Storage, localforage's localStorage
 * driver). Plain JSON would turn a `Uint8Array` into `{"0":1,…}` and drop `undefined`, so values
 * JSON cannot hold are written as tagged objects `{"$t": tag, "v": payload}`:
 *
 * | value                    | tag      | payload              |
 * | ------------------------ | -------- | -------------------- |
 * | `Uint8Array`             | `u8`     | base64 of its bytes  |
 * | `Date`                   | `date`   | epoch ms (tagged)    |
 * | `undefined`              | `undef`  | —                    |
 * | `bigint`                 | `bigint` | decimal string       |
 * | NaN, ±Infinity, -0       | `num`    | `String(n)` / `'-0'` |
 * | plain object with `$t`   | `obj`    | the object itself    |
 *
 * The last row escapes user objects that happen to own a `$t` key, so decoding is unambiguous.
 * Anything else structured clone would keep but JSON cannot (Map, Set, other typed arrays, class
 * instances, cycles) is refused with `invalid-argument` rather than stored lossily.
 */

const TAG = '$t';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Serializes `value` to tagged JSON text; throws `invalid-argument` (with `details.path`) for unsupported parts. */
export function encodeTagged(value: unknown): string {
  return JSON.stringify(toJson(value, '$', new Set()));
}

/** Parses text written by {@link encodeTagged}; throws `decode-failed` when it is not. */
export function decodeTagged(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StowageError('decode-failed', 'stored text is not JSON', { cause: err });
  }
  return fromJson(json);
}

function refuse(path: string, what: string): StowageError {
  return new StowageError('invalid-argument', `cannot store ${what} at ${path} (JSON-based storage)`, {
    details: { path },
  });
}

function typeTag(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function toJson(value: unknown, path: string, ancestors: Set<object>): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
        ? value
        : { [TAG]: 'num', v: Object.is(value, -0) ? '-0' : String(value) };
    case 'undefined':
      return { [TAG]: 'undef' };
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'object':
      if (value === null) return null;
      return objectToJson(value, path, ancestors);
    default:
      throw refuse(path, `a ${typeof value}`);
  }
}

function objectToJson(value: object, path: string, ancestors: Set<object>): Json {
  // Tags, not instanceof: values may come from another realm (iframe, happy-dom window).
  const tag = typeTag(value);
  if (tag === 'Uint8Array') return { [TAG]: 'u8', v: bytesToBase64(value as Uint8Array) };
  if (tag === 'Date') return { [TAG]: 'date', v: toJson((value as Date).getTime(), path, ancestors) };
  if (ancestors.has(value)) throw refuse(path, 'a cyclic reference');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return Array.from(value, (item: unknown, i) => toJson(item, `${path}[${i}]`, ancestors));
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw refuse(path, `a ${tag} object`);
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty: a plain assignment of '__proto__' would set the prototype instead.
      Object.defineProperty(out, k, { value: toJson(v, `${path}.${k}`, ancestors), enumerable: true, writable: true, configurable: true });
    }
    return Object.hasOwn(value, TAG) ? { [TAG]: 'obj', v: out } : out;
  } finally {
    ancestors.delete(value);
  }
}

function corrupt(what: string, cause?: unknown): StowageError {
  return new StowageError('decode-failed', `stored value is corrupt: ${what}`, cause === undefined ? {} : { cause });
}

function fromJson(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(fromJson);
  if (typeof json !== 'object' || json === null) return json;
  if (!Object.hasOwn(json, TAG)) return plainFromJson(json);
  const { [TAG]: tag, v } = json as { $t: unknown; v?: unknown };
  switch (tag) {
    case 'u8':
      if (typeof v !== 'string') throw corrupt('u8 payload is not a string');
      try {
        return base64ToBytes(v);
      } catch (err) {
        throw corrupt('u8 payload is not base64', err);
      }
    case 'date':
      return new Date(fromJson(v) as number);
    case 'undef':
      return undefined;
    case 'bigint':
      try {
        return BigInt(v as string);
      } catch (err) {
        throw corrupt('bad bigint', err);
      }
    case 'num':
      if (v === '-0') return -0;
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
      throw corrupt(`bad number tag ${String(v)}`);
    case 'obj':
      if (typeof v !== 'object' || v === null) throw corrupt('escaped object payload is not an object');
      return plainFromJson(v);
    default:
      throw corrupt(`unknown tag ${String(tag)}`);
  }
}

function plainFromJson(json: object): Record<string, unknown> {
  // Object.fromEntries defines properties, so a '__proto__' key stays an ordinary key.
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, fromJson(v)]));
}
