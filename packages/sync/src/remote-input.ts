import { StowageError, serializeValue, utf8Length, validateKey } from '@stowage/core';
import type { CollectionOp, RemoteChange } from './remote-store.js';

/**
 * The input rules of the {@link RemoteStore} contract, shared by every implementation so that the
 * memory remote and the Firestore remote refuse exactly the same things (the conformance suite
 * checks both).
 */

/**
 * Largest payload (JSON text or ciphertext bytes) a change may carry. Firestore's document limit is
 * 1 MiB including field names and the key; this leaves room for them so an accepted change can never
 * be refused by the server later.
 */
export const MAX_REMOTE_PAYLOAD_BYTES = 1_000_000;

/** The validated form of a change: its JSON text (live values) or bytes (ciphertext). */
export interface CheckedChange {
  change: RemoteChange;
  /** JSON text of `value` for a live, unencrypted key. */
  json?: string;
}

const bad = (message: string, details: Record<string, unknown>, code: StowageError['code'] = 'invalid-argument') =>
  new StowageError(code, message, { details });

/** Lone surrogates cannot be encoded as UTF-8: the wire would silently turn them into U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/u;
const isNonEmptyString = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && !LONE_SURROGATE.test(x);

/**
 * Returns the problem with a change (`invalid-argument` / `too-large`), or the checked change. Keys
 * may hold any character (remotes encode them); hlc, origin, base and codec ids must be non-empty,
 * well-formed strings.
 */
export function checkRemoteChange(change: unknown): CheckedChange | StowageError {
  if (typeof change !== 'object' || change === null) return bad('a change must be an object', {});
  const c = change as RemoteChange;
  try {
    validateKey(c.key);
  } catch (err) {
    return err as StowageError;
  }
  const key = c.key;
  if (!isNonEmptyString(c.hlc)) return bad(`change of "${key}": hlc must be a non-empty string`, { key, field: 'hlc' });
  if (!isNonEmptyString(c.origin)) return bad(`change of "${key}": origin must be a non-empty string`, { key, field: 'origin' });
  if (c.base !== null && !isNonEmptyString(c.base)) return bad(`change of "${key}": base must be null or an hlc`, { key, field: 'base' });
  if (typeof c.deleted !== 'boolean') return bad(`change of "${key}": deleted must be a boolean`, { key, field: 'deleted' });
  if (c.schema !== undefined && !(Number.isSafeInteger(c.schema) && c.schema >= 1)) {
    return bad(`change of "${key}": schema must be an integer ≥ 1`, { key, field: 'schema' });
  }
  if (c.reencodes !== undefined && !isNonEmptyString(c.reencodes)) return bad(`change of "${key}": reencodes must be an hlc`, { key, field: 'reencodes' });
  if (c.expiresAt !== undefined && !Number.isFinite(c.expiresAt)) {
    return bad(`change of "${key}": expiresAt must be a finite number`, { key, field: 'expiresAt' });
  }
  if (c.deleted) return { change: c };
  const hasValue = c.value !== undefined;
  const hasData = c.data !== undefined;
  if (hasValue === hasData) return bad(`change of "${key}": a live change needs exactly one of value and data`, { key, field: 'value' });
  if (c.data !== undefined) {
    if (Object.prototype.toString.call(c.data) !== '[object Uint8Array]') return bad(`change of "${key}": data must be a Uint8Array`, { key, field: 'data' });
    if (!Array.isArray(c.codecs) || c.codecs.length === 0 || !c.codecs.every(isNonEmptyString)) {
      return bad(`change of "${key}": data needs the codec ids that produced it`, { key, field: 'codecs' });
    }
    if (c.data.byteLength > MAX_REMOTE_PAYLOAD_BYTES) return tooLarge(key, c.data.byteLength);
    return { change: c };
  }
  try {
    const { json } = serializeValue(c.value, key);
    const bytes = utf8Length(json);
    if (bytes > MAX_REMOTE_PAYLOAD_BYTES) return tooLarge(key, bytes);
    return { change: c, json };
  } catch (err) {
    return err as StowageError;
  }
}

function tooLarge(key: string, bytes: number): StowageError {
  return bad(`change of "${key}" is ${bytes} bytes, over the remote limit of ${MAX_REMOTE_PAYLOAD_BYTES}`, { key, bytes, limit: MAX_REMOTE_PAYLOAD_BYTES }, 'too-large');
}

/**
 * Whether `id` is usable as a document or collection id in Firestore (and so in every remote):
 * non-empty, well-formed, no '/', not '.' or '..', not `__…__` (reserved), at most 1500 UTF-8 bytes.
 */
export function isValidDocId(id: unknown): id is string {
  return isNonEmptyString(id) && !id.includes('/') && id !== '.' && id !== '..' && !/^__.*__$/s.test(id) && utf8Length(id) <= 1500;
}

/** Whether `path` is a collection path: an odd number of valid ids separated by '/'. */
export function isValidCollectionPath(path: unknown): path is string {
  if (typeof path !== 'string') return false;
  const segments = path.split('/');
  return segments.length % 2 === 1 && segments.every(isValidDocId);
}

const OP_TYPES: ReadonlySet<string> = new Set(['create', 'update', 'delete', 'set', 'increment']);

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && [Object.prototype, null].includes(Object.getPrototypeOf(x));

/**
 * Returns the problem with a collection operation (`invalid-argument`), or `undefined`. Field
 * values follow Firestore's model: no `undefined`, functions, symbols, bigints, class instances
 * (Dates and Uint8Arrays excepted), arrays directly inside arrays, empty or `__…__` field names,
 * nesting deeper than 20, documents over {@link MAX_REMOTE_PAYLOAD_BYTES} (`too-large`).
 */
export function checkCollectionOp(op: unknown): StowageError | undefined {
  if (typeof op !== 'object' || op === null) return bad('an operation must be an object', {});
  const o = op as CollectionOp;
  if (!isNonEmptyString(o.id)) return bad('operation id must be a non-empty string', { field: 'id' });
  const details = { id: o.id, type: o.type, collection: o.collection, doc: o.doc };
  if (!OP_TYPES.has(o.type)) return bad(`operation ${o.id}: unknown type ${String(o.type)}`, { ...details, field: 'type' });
  if (!isValidCollectionPath(o.collection)) return bad(`operation ${o.id}: invalid collection path`, { ...details, field: 'collection' });
  if (!isValidDocId(o.doc)) return bad(`operation ${o.id}: invalid document id`, { ...details, field: 'doc' });
  if (o.type === 'delete') return undefined;
  if (!isPlainObject(o.data)) return bad(`operation ${o.id}: data must be a plain object`, { ...details, field: 'data' });
  if (o.type === 'increment') {
    const entries = Object.entries(o.data);
    if (entries.length === 0) return bad(`operation ${o.id}: increment needs at least one field`, { ...details, field: 'data' });
    for (const [name, delta] of entries) {
      if (!isValidFieldName(name) || typeof delta !== 'number' || !Number.isFinite(delta)) {
        return bad(`operation ${o.id}: increment of "${name}" must be a finite number`, { ...details, field: `data.${name}` });
      }
    }
    return undefined;
  }
  const path = checkFields(o.data, 'data', false, 0);
  if (path !== undefined) return bad(`operation ${o.id}: unsupported value at ${path}`, { ...details, field: path });
  const bytes = storedSize(o.data);
  if (bytes > MAX_REMOTE_PAYLOAD_BYTES) {
    return bad(`operation ${o.id}: data is about ${bytes} bytes, over the remote limit of ${MAX_REMOTE_PAYLOAD_BYTES}`, { ...details, bytes }, 'too-large');
  }
  return undefined;
}

/** Firestore nests maps and arrays at most this deep. */
const MAX_DEPTH = 20;

/** Size by Firestore's storage-size rules (strings: UTF-8 + 1, numbers 8, maps: names + 1 + values). */
function storedSize(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value) + 1;
  if (typeof value === 'number' || value instanceof Date) return 8;
  if (value === null || typeof value === 'boolean') return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + storedSize(v), 0);
  return Object.entries(value as object).reduce((n, [k, v]) => n + utf8Length(k) + 1 + storedSize(v), 0);
}

const isValidFieldName = (name: string): boolean => isNonEmptyString(name) && !/^__.*__$/s.test(name);

/** Returns the path of the first value Firestore cannot store, or `undefined`. */
function checkFields(value: unknown, path: string, inArray: boolean, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return LONE_SURROGATE.test(value as string) ? path : undefined;
    case 'boolean':
    case 'number':
      return undefined;
    case 'object':
      break;
    default:
      return path;
  }
  if (value === null || value instanceof Date || Object.prototype.toString.call(value) === '[object Uint8Array]') return undefined;
  if (depth >= MAX_DEPTH) return path;
  if (Array.isArray(value)) {
    if (inArray) return path;
    for (let i = 0; i < value.length; i++) {
      const p = checkFields(value[i], `${path}[${i}]`, true, depth + 1);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return path;
  for (const [name, child] of Object.entries(value)) {
    if (!isValidFieldName(name)) return `${path}.${name}`;
    const p = checkFields(child, `${path}.${name}`, false, depth + 1);
    if (p !== undefined) return p;
  }
  return undefined;
}
