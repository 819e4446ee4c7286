import { StowageError } from './errors.js';

/** A validated value: its JSON text, the UTF-8 byte length of that text, and the value to store. */
export interface SerializedValue {
  json: string;
  bytes: number;
  /**
   * A snapshot of the value as JSON round-trips it (Dates → ISO strings, undefined properties
   * dropped). Taken now, so a caller mutating its object after `set()` returns cannot change what
   * is written later by the batched transaction.
   */
  value: unknown;
}

/**
 * Validates that `value` is storable and serializes it. Stowage's value model is JSON: null,
 * booleans, finite numbers, strings, arrays and plain objects (Dates are stored as ISO strings, as
 * JSON does). Anything JSON would silently mangle or lose — functions, symbols, bigints, NaN,
 * Infinity, `undefined` array slots, class instances, Maps, cycles — is rejected with
 * `invalid-argument` and the path of the offending part, so no write ever loses data silently.
 */
export function serializeValue(value: unknown, key: string): SerializedValue {
  if (value === undefined) {
    throw new StowageError('invalid-argument', `value of "${key}" is undefined; use remove() to delete a key`, {
      details: { key, path: '$', reason: 'undefined' },
    });
  }
  inspect(value, '$', new Set(), key);
  const json = JSON.stringify(value);
  return { json, bytes: utf8Length(json), value: typeof value === 'object' && value !== null ? JSON.parse(json) : value };
}

function reject(key: string, path: string, reason: string, what: string): never {
  throw new StowageError('invalid-argument', `value of "${key}" at ${path} ${what}`, { details: { key, path, reason } });
}

/** Walks the value; returns whether JSON normalization changes it (Dates, undefined properties). */
function inspect(v: unknown, path: string, ancestors: Set<object>, key: string): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return false;
    case 'number':
      if (!Number.isFinite(v)) reject(key, path, 'non-finite-number', `is ${v}, which JSON cannot represent`);
      return false;
    case 'undefined':
      return reject(key, path, 'undefined', 'is undefined inside an array (JSON would turn it into null)');
    case 'function':
      return reject(key, path, 'function', 'is a function, which cannot be stored');
    case 'symbol':
      return reject(key, path, 'symbol', 'is a symbol, which cannot be stored');
    case 'bigint':
      return reject(key, path, 'bigint', 'is a bigint; store it as a string');
  }
  if (v === null) return false;
  const obj = v as object;
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) reject(key, path, 'invalid-date', 'is an invalid Date');
    return true;
  }
  if (ancestors.has(obj)) reject(key, path, 'cyclic', 'refers back to one of its parents (cyclic value)');
  ancestors.add(obj);
  let normalize = false;
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      // Holes and undefined both become null in JSON: reject rather than change the value.
      if (!(i in obj)) reject(key, `${path}[${i}]`, 'undefined', 'is an empty array slot');
      if (inspect(obj[i], `${path}[${i}]`, ancestors, key)) normalize = true;
    }
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      reject(key, path, 'unsupported-type', `is a ${name}; only plain objects, arrays and JSON primitives can be stored`);
    }
    if (Object.getOwnPropertySymbols(obj).length > 0) reject(key, path, 'symbol', 'has symbol-keyed properties, which JSON drops');
    for (const k of Object.keys(obj)) {
      const child = (obj as Record<string, unknown>)[k];
      const childPath = `${path}.${k}`;
      if (child === undefined) {
        normalize = true; // JSON drops the property; the stored value does too.
        continue;
      }
      if (typeof child === 'function' || typeof child === 'symbol') {
        reject(key, childPath, typeof child, `is a ${typeof child}, which cannot be stored`);
      }
      if (inspect(child, childPath, ancestors, key)) normalize = true;
    }
  }
  ancestors.delete(obj);
  return normalize;
}

/** UTF-8 byte length of a string without allocating (lone surrogates count 3, as TextEncoder's U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** JSON text → UTF-8 bytes. */
export function jsonToBytes(json: string): Uint8Array {
  return encoder.encode(json);
}

/** UTF-8 bytes → parsed JSON value; `decode-failed` on invalid UTF-8 or JSON. */
export function bytesToValue(bytes: Uint8Array, key: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new StowageError('decode-failed', `stored bytes of "${key}" are not valid UTF-8 JSON`, { cause: err, details: { key } });
  }
}
