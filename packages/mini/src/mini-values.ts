import { serializeValue } from '@stowage/core';

/*
 * Dates through a JSON store. The platform keeps a `Date` a `Date` (its storage takes "native
 * types, Date, and what JSON.stringify can serialize"); a Stowage Storage holds JSON, where a Date
 * becomes an ISO string. So the mini layer stores each Date as a tagged object and turns it back on
 * the way out — the Storage, its codecs, size accounting and sync only ever see JSON:
 *
 * | value                                  | stored as                               |
 * | -------------------------------------- | --------------------------------------- |
 * | `Date`                                 | `{ "$t": "date", "v": its ISO string }` |
 * | an object key `$t`, `$t$`, `$t$$`, …   | the key with one more `$`               |
 *
 * so only tags own a `$t` key in the store, and decoding is unambiguous. Values with neither are
 * stored as they are. Done with JSON.stringify's replacer and JSON.parse's reviver, and only when
 * the JSON text shows a candidate (an ISO-looking string, a `"$t` key): most values pay one regex.
 */

/** What Date#toJSON produces, and the start of a tag or escaped key. */
const CANDIDATE = /"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z|\$t)/;
/** `$t`, `$t$`, `$t$$`, …: escaped on the way in (one more `$`), restored on the way out. */
const TAG_KEY = /^\$t\$*$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const renameKeys = (o: Json, test: RegExp, rename: (k: string) => string): Json =>
  Object.keys(o).some((k) => test.test(k)) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [test.test(k) ? rename(k) : k, v])) : o;

function replacer(this: Json, key: string, value: unknown): unknown {
  if (this[key] instanceof Date) return { $t: 'date', v: value };
  return isObject(value) ? renameKeys(value, TAG_KEY, (k) => `${k}$`) : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (!isObject(value)) return value;
  if (Object.hasOwn(value, '$t')) return value.$t === 'date' && typeof value.v === 'string' ? new Date(value.v) : value;
  // No `$t` left here (tags returned above): every match is an escaped key.
  return renameKeys(value, TAG_KEY, (k) => k.slice(0, -1));
}

/** The JSON text the mini layer stores for `value`, given `json`, its validated plain JSON (Storage's `serializeValue`). */
export function encodeMiniJson(value: unknown, json: string): string {
  return CANDIDATE.test(json) ? JSON.stringify(value, replacer) : json;
}

/** Parses stored JSON text into what the mini API returns: tagged Dates as `Date`s, escaped keys restored. */
export function parseMiniJson(json: string): unknown {
  return json.includes('"$t') ? JSON.parse(json, reviver) : JSON.parse(json);
}

/**
 * A value as the mini layer stores it (Dates tagged, `$t` keys escaped), for writing through a
 * Storage that the mini API reads; validated as the Storage would (`invalid-argument` with a path).
 */
export function encodeMiniValue(value: unknown, key = 'value'): unknown {
  const { json } = serializeValue(value, key);
  const encoded = encodeMiniJson(value, json);
  return encoded === json ? value : JSON.parse(encoded);
}

/** A value read through a Storage from a namespace the mini API wrote, as the mini API returns it. */
export function decodeMiniValue(value: unknown): unknown {
  return value === undefined ? value : parseMiniJson(JSON.stringify(value));
}
