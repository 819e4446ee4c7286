import type { Fields, Value } from './values.js';

/**
 * Storage size as Firestore documents it ("Storage size calculations"), used to enforce the
 * 1 MiB document limit exactly where real Firestore would.
 */

/** Firestore's maximum document size in bytes. */
export const MAX_DOCUMENT_BYTES = 1_048_576;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Size of a document name from its relative path: Σ(id bytes + 1) + 16. */
export function nameSize(relativePath: string): number {
  return relativePath.split('/').reduce((sum, seg) => sum + utf8(seg) + 1, 16);
}

/** Size of one value. */
export function valueSize(v: Value): number {
  if ('nullValue' in v || 'booleanValue' in v) return 1;
  if ('integerValue' in v || 'doubleValue' in v || 'timestampValue' in v) return 8;
  if ('stringValue' in v) return utf8(v.stringValue) + 1;
  if ('bytesValue' in v) return Buffer.from(v.bytesValue, 'base64').length;
  if ('referenceValue' in v) return nameSize(v.referenceValue.split('/').slice(5).join('/'));
  if ('geoPointValue' in v) return 16;
  if ('arrayValue' in v) return v.arrayValue.values.reduce((sum, item) => sum + valueSize(item), 0);
  return fieldsSize(v.mapValue.fields);
}

/** Size of a field record: Σ(name bytes + 1 + value size). */
export function fieldsSize(fields: Fields): number {
  let sum = 0;
  for (const [k, v] of Object.entries(fields)) sum += utf8(k) + 1 + valueSize(v);
  return sum;
}

/** Size of a whole document: name + fields + 32. */
export function documentSize(relativePath: string, fields: Fields): number {
  return nameSize(relativePath) + fieldsSize(fields) + 32;
}
