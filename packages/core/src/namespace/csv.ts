/** What the `value` column holds for a value exported as ciphertext. */
export const ENCRYPTED_CELL = '[encrypted]';

/** Text a spreadsheet would run as a formula (after any apostrophes the guard added before). */
const FORMULA = /^'*[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; text starting with
 * `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so spreadsheets show it instead of running it
 * (CSV injection) — and so does text that already starts with apostrophes before one of those, so
 * the guard can be undone exactly (`importCsv`). Numbers stay as they are; other values are
 * written as JSON.
 */
export function csvCell(x: unknown): string {
  if (x === undefined || x === null) return '';
  const s = typeof x === 'string' ? x : JSON.stringify(x);
  const safe = typeof x === 'string' && FORMULA.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Undoes the formula guard of {@link csvCell}: whether `text` had it, and the text without it. */
function unguard(text: string): [guarded: boolean, text: string] {
  return text.startsWith("'") && FORMULA.test(text) ? [true, text.slice(1)] : [false, text];
}

const parses = (s: string): boolean => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

/**
 * A value as a typed cell, which {@link readValueCell} turns back into the same value: JSON for
 * anything but text (`null` included, so it differs from an empty cell, which is "no value");
 * text as it is, unless it would read back as something else — empty, `[encrypted]`, or valid
 * JSON such as `42`, `true` or `"x"` — which is written as a JSON string.
 */
function valueCell(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (typeof v === 'string' && (v === '' || v === ENCRYPTED_CELL || parses(v))) return csvCell(JSON.stringify(v)); // a JSON string is never guarded: it starts with "
  return csvCell(v);
}

/** The value of a typed cell (see {@link valueCell}); `undefined` for an empty one. */
export function readValueCell(text: string): unknown {
  if (text === '') return undefined;
  const [guarded, t] = unguard(text);
  if (guarded) return t; // only text is guarded
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

/** A plain cell (key, header, timestamp) without its formula guard. */
export const readTextCell = (text: string): string => unguard(text)[1];

const isFlat = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x !== 'object');

/** One row of {@link recordsToCsv}. */
export interface CsvRecord {
  key: string;
  value: unknown;
  encrypted: boolean;
  updatedAt: number;
  expiresAt?: number;
}

/** The columns of a CSV export: `key`, the fields of flat objects, then these. */
export const CSV_TAIL = ['value', 'updatedAt', 'expiresAt'] as const;

/**
 * CSV of records: one row per key. Flat object values (no nested objects) get one column per field;
 * any other value goes to the `value` column (see {@link valueCell}). Encrypted values are exported
 * as `[encrypted]`. Timestamps are ISO 8601.
 */
export function recordsToCsv(rows: readonly CsvRecord[]): string {
  const fields: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.encrypted || !isFlat(r.value)) continue;
    for (const f of Object.keys(r.value)) {
      if (seen.has(f)) continue;
      seen.add(f);
      fields.push(f);
    }
  }
  const lines = [['key', ...fields, ...CSV_TAIL].map(csvCell).join(',')];
  for (const r of rows) {
    const flat = !r.encrypted && isFlat(r.value);
    lines.push([
      csvCell(r.key),
      ...fields.map((f) => valueCell(flat ? (r.value as Record<string, unknown>)[f] : undefined)),
      r.encrypted ? ENCRYPTED_CELL : flat ? '' : valueCell(r.value),
      new Date(r.updatedAt).toISOString(),
      r.expiresAt === undefined ? '' : new Date(r.expiresAt).toISOString(),
    ].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
