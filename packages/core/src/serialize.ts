import { StowageError } from './errors.js';

/** A validated value: its JSON text, the UTF-8 byte length of that text, and the value to store. */
export interface SerializedValue {
  json: string;
  bytes: number;
  /**
   * A snapshot of the value as JSON round-trips it (Dates → ISO strings, undefined properties
   * dropped). Fixed when `serializeValue` runs (it is parsed from `json`, on first access: encoded
   * records never need it), so a caller mutating its object after `set()` returns cannot change
   * what is written later by the batched transaction.
   */
  readonly value: unknown;
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
  // The quick walk proves most values storable; only a value it cannot vouch for (a bad part, or
  // nesting deep enough to be a cycle) takes the walk that finds and names the offending path.
  if (typeof value === 'object' && value !== null) {
    try {
      check(value, [], undefined, undefined);
    } catch (e) {
      if (e !== QUICK) throw e;
      check(value, [], new Set(), key);
    }
  } else checkPrimitive(value, [], key);
  const json = JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return { json, bytes: utf8Length(json), value };
  return new Snapshot(json, utf8Length(json));
}

/**
 * An object or array serialized: its snapshot is parsed from `json` on first access. A class, not an
 * object literal with a getter and two captured variables: one such literal per write cost more
 * than the validation walk of a 200-byte value.
 */
class Snapshot implements SerializedValue {
  readonly json: string;
  readonly bytes: number;
  #value: unknown;
  #parsed = false;

  constructor(json: string, bytes: number) {
    this.json = json;
    this.bytes = bytes;
  }

  get value(): unknown {
    if (!this.#parsed) {
      this.#value = JSON.parse(this.json);
      this.#parsed = true;
    }
    return this.#value;
  }
}

/** `$.a[2].b` from the path segments (built only when a value is refused). */
function pathString(path: readonly (string | number)[]): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** The refusal, with its path; in the quick walk (no `key`) only {@link QUICK}. */
function reject(key: string | undefined, path: readonly (string | number)[], reason: string, what: string): never {
  if (key === undefined) throw QUICK;
  const at = pathString(path);
  throw new StowageError('invalid-argument', `value of "${key}" at ${at} ${what}`, { details: { key, path: at, reason } });
}

/** Rejects primitives JSON cannot hold as they are. */
function checkPrimitive(v: unknown, path: (string | number)[], key: string | undefined): void {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) reject(key, path, 'non-finite-number', `is ${v}, which JSON cannot represent`);
      return;
    case 'undefined':
      return reject(key, path, 'undefined', 'is undefined inside an array (JSON would turn it into null)');
    case 'function':
      return reject(key, path, 'function', 'is a function, which cannot be stored');
    case 'symbol':
      return reject(key, path, 'symbol', 'is a symbol, which cannot be stored');
    case 'bigint':
      return reject(key, path, 'bigint', 'is a bigint; store it as a string');
  }
}

/** Nesting the quick walk follows before it leaves the value to the full walk (which catches cycles). */
const QUICK_DEPTH = 64;
/** Thrown by the quick walk at anything the full walk must look at: a refusal, or nesting past {@link QUICK_DEPTH}. */
const QUICK = Symbol('quick walk');

/**
 * Walks an object or array. `path` is a stack of the segments leading here (pushed and popped, so
 * the hot path builds no strings); `ancestors` the objects above, to refuse cycles.
 *
 * Without `ancestors` and `key` it is the quick walk, which proves most values storable at half the
 * cost on a 150 KB value (the set of ancestors was most of it): any refusal throws {@link QUICK},
 * and so does nesting past {@link QUICK_DEPTH}, which is where a cycle shows; the caller then runs
 * the full walk, which finds and names what is wrong (or accepts a value that is only deep).
 */
function check(obj: object, path: (string | number)[], ancestors: Set<object> | undefined, key: string | undefined): void {
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) reject(key, path, 'invalid-date', 'is an invalid Date');
    return;
  }
  if (ancestors === undefined) {
    if (path.length > QUICK_DEPTH) throw QUICK;
  } else {
    if (ancestors.has(obj)) reject(key, path, 'cyclic', 'refers back to one of its parents (cyclic value)');
    ancestors.add(obj);
  }
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      const child: unknown = obj[i];
      if (typeof child === 'object' && child !== null) {
        path.push(i);
        check(child, path, ancestors, key);
        path.pop();
      } else if (typeof child !== 'string' && typeof child !== 'boolean' && !(typeof child === 'number' && Number.isFinite(child)) && child !== null) {
        path.push(i);
        // Holes and undefined both become null in JSON: reject rather than change the value.
        if (!(i in obj)) reject(key, path, 'undefined', 'is an empty array slot');
        checkPrimitive(child, path, key);
      }
    }
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      reject(key, path, 'unsupported-type', `is a ${name}; only plain objects, arrays and JSON primitives can be stored`);
    }
    if (Object.getOwnPropertySymbols(obj).length > 0) reject(key, path, 'symbol', 'has symbol-keyed properties, which JSON drops');
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      const child = (obj as Record<string, unknown>)[k];
      if (typeof child === 'object' && child !== null) {
        path.push(k);
        check(child, path, ancestors, key);
        path.pop();
      } else if (typeof child === 'number') {
        if (!Number.isFinite(child)) {
          path.push(k);
          checkPrimitive(child, path, key);
        }
      } else if (typeof child === 'function' || typeof child === 'symbol' || typeof child === 'bigint') {
        path.push(k);
        reject(key, path, typeof child, typeof child === 'bigint' ? 'is a bigint; store it as a string' : `is a ${typeof child}, which cannot be stored`);
      }
      // strings, booleans: fine; undefined: JSON drops the property and so does the stored value.
    }
  }
  ancestors?.delete(obj);
}

/** Longer strings are measured by the native encoder (4× the loop's speed at 150 KB), shorter ones by the loop. */
const NATIVE_FROM = 1024;
/** Scratch the native encoder writes into, in chunks: its bytes are never read, only counted. */
let scratch: Uint8Array | undefined;

/** UTF-8 byte length of a string without allocating per call (lone surrogates count 3, as TextEncoder's U+FFFD). */
export function utf8Length(s: string): number {
  if (s.length >= NATIVE_FROM) return nativeUtf8Length(s);
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

/**
 * `encodeInto` a 64 KB scratch, chunk after chunk: `read` never ends inside a surrogate pair (the
 * encoder writes whole characters), so the rest of the string is a clean slice (which V8 makes
 * without copying).
 */
function nativeUtf8Length(s: string): number {
  const buf = (scratch ??= new Uint8Array(65_536));
  let n = 0;
  for (let at = 0; at < s.length; ) {
    const r = encoder.encodeInto(at === 0 ? s : s.slice(at), buf);
    n += r.written;
    at += r.read;
  }
  return n;
}

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
