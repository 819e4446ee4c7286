import { compareUtf8 } from './compare.js';
import { invalidArgument } from './rpc-error.js';
import { emptyFields, type Fields, type Value } from './values.js';

/**
 * Field paths as Firestore writes them: dot-separated segments, where a segment that is not a
 * simple identifier is back-quoted with `\` escaping `` ` `` and `\` (`` a.`b.c`.`x\`y` ``).
 */
export type FieldPath = readonly string[];

/** The pseudo field naming the document itself in filters, orders and cursors. */
export const KEY_FIELD = '__name__';

const SIMPLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses a field path string; malformed paths are INVALID_ARGUMENT. */
export function parseFieldPath(text: unknown): FieldPath {
  if (typeof text !== 'string' || text === '') throw invalidArgument(`Invalid field path ${JSON.stringify(text)}.`);
  const segments: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let segment = '';
    if (text[i] === '`') {
      i++;
      let closed = false;
      while (i < text.length) {
        const ch = text[i] as string;
        if (ch === '\\') {
          if (i + 1 >= text.length) break;
          segment += text[i + 1];
          i += 2;
        } else if (ch === '`') {
          closed = true;
          i++;
          break;
        } else {
          segment += ch;
          i++;
        }
      }
      if (!closed) throw invalidArgument(`Invalid field path "${text}": unterminated back-quote.`);
    } else {
      const end = text.indexOf('.', i);
      segment = text.slice(i, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
      if (/[`\\]/.test(segment)) throw invalidArgument(`Invalid field path "${text}": unquoted special character.`);
    }
    if (segment === '') throw invalidArgument(`Invalid field path "${text}": empty segment.`);
    segments.push(segment);
    if (i === text.length) break;
    if (text[i] !== '.') throw invalidArgument(`Invalid field path "${text}".`);
    i++;
    if (i === text.length) throw invalidArgument(`Invalid field path "${text}": trailing dot.`);
  }
  return segments;
}

/** The canonical string of a path (quoting segments that need it). */
export function formatFieldPath(path: FieldPath): string {
  return path.map((s) => (SIMPLE.test(s) ? s : '`' + s.replace(/[\\`]/g, (c) => '\\' + c) + '`')).join('.');
}

/** True for the `__name__` pseudo field. */
export function isKeyPath(path: FieldPath): boolean {
  return path.length === 1 && path[0] === KEY_FIELD;
}

/** Segment-wise order of field paths (used to sort implicit inequality orders). */
export function compareFieldPaths(a: FieldPath, b: FieldPath): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareUtf8(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The value at `path`, or undefined when any step is missing or not a map. */
export function getField(fields: Fields, path: FieldPath): Value | undefined {
  let current: Fields = fields;
  for (let i = 0; i < path.length; i++) {
    const v = Object.hasOwn(current, path[i] as string) ? current[path[i] as string] : undefined;
    if (v === undefined) return undefined;
    if (i === path.length - 1) return v;
    if (!('mapValue' in v)) return undefined;
    current = v.mapValue.fields;
  }
  return undefined;
}

/** Sets `path` to `value`, creating (or replacing non-map) intermediate maps. Mutates `fields`. */
export function setField(fields: Fields, path: FieldPath, value: Value): void {
  let current = fields;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (next && 'mapValue' in next) {
      current = next.mapValue.fields;
    } else {
      const created = emptyFields();
      current[key] = { mapValue: { fields: created } };
      current = created;
    }
  }
  current[path[path.length - 1] as string] = value;
}

/** Deletes `path` if present; missing parents are fine. Mutates `fields`. */
export function deleteField(fields: Fields, path: FieldPath): void {
  let current = fields;
  for (let i = 0; i < path.length - 1; i++) {
    const next = Object.hasOwn(current, path[i] as string) ? current[path[i] as string] : undefined;
    if (!next || !('mapValue' in next)) return;
    current = next.mapValue.fields;
  }
  delete current[path[path.length - 1] as string];
}

/** Deep copy of a value, keeping null-prototype field records. */
export function cloneValue(v: Value): Value {
  if ('mapValue' in v) return { mapValue: { fields: cloneFields(v.mapValue.fields) } };
  if ('arrayValue' in v) return { arrayValue: { values: v.arrayValue.values.map(cloneValue) } };
  if ('geoPointValue' in v) return { geoPointValue: { ...v.geoPointValue } };
  return { ...v };
}

/** Deep copy of a field record. */
export function cloneFields(fields: Fields): Fields {
  const out = emptyFields();
  for (const [k, v] of Object.entries(fields)) out[k] = cloneValue(v);
  return out;
}
