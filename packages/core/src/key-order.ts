import type { EntriesOptions } from './driver.js';

/**
 * Orders keys the way IndexedDB does: by UTF-16 code unit, which is exactly JavaScript's `<` on
 * strings (not `localeCompare`, and not code point order — '\uffff' sorts after '😀').
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Selects one page of keys for backends that cannot range-scan: keeps keys starting with
 * `prefix` and strictly after `options.after`, sorts them, and cuts at `options.limit`.
 */
export function pageKeys(keys: Iterable<string>, prefix: string, options: EntriesOptions = {}): string[] {
  const { after, limit } = options;
  const out: string[] = [];
  for (const key of keys) {
    if (key.startsWith(prefix) && (after === undefined || key > after)) out.push(key);
  }
  out.sort(compareKeys);
  return limit === undefined ? out : out.slice(0, limit);
}

/**
 * Exclusive upper bound of the keys starting with `prefix`: the smallest string greater than all
 * of them, or `undefined` when there is none (`''`, or a prefix made only of '\uffff').
 *
 * `prefix + '\uffff'` is the usual shortcut, but it misses keys such as `prefix + '\uffff\uffff'`;
 * bumping the last code unit below '\uffff' is exact for every string.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) end--;
  if (end === 0) return undefined;
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1);
}
