import type { BackupEntry } from '../backup-format.js';
import { CSV_TAIL, ENCRYPTED_CELL, readTextCell, readValueCell } from './csv.js';
import { StowageError } from '../errors.js';

const bad = (msg: string, line: number): StowageError => new StowageError('invalid-argument', `invalid CSV: ${msg} (line ${line})`, { details: { line } });

/**
 * Rows of an RFC 4180 text: fields separated by commas, records by CRLF or LF, a field quoted
 * with `"` when it holds those (a quote doubled inside). A leading byte-order mark is skipped and
 * blank lines are ignored. Malformed quoting fails with `invalid-argument` and the line.
 */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  if (typeof text !== 'string') throw new StowageError('invalid-argument', 'CSV input must be a string');
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = (): void => {
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: start, cells });
    cells = [];
    start = line;
  };
  for (;;) {
    let cell = '';
    if (text[i] === '"') {
      const from = line;
      for (i++; ; i++) {
        if (i >= text.length) throw bad('a quoted field is not closed', from);
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        } else if (c === '\n') line++;
        cell += c;
      }
      i++;
      if (i < text.length && !/[,\r\n]/.test(text[i] as string)) throw bad('text after a closing quote', line);
    } else {
      const end = text.slice(i).search(/[,\r\n]/);
      cell = end < 0 ? text.slice(i) : text.slice(i, i + end);
      if (cell.includes('"')) throw bad('a quote inside an unquoted field', line);
      i += cell.length;
    }
    cells.push(cell);
    if (i >= text.length) {
      endRow();
      return rows;
    }
    if (text[i] === ',') {
      i++;
      continue;
    }
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
    endRow();
    if (i >= text.length) return rows;
  }
}

/** What a CSV export holds: backup entries, and the keys whose values it could not show (`[encrypted]`). */
export interface CsvContent {
  entries: BackupEntry[];
  encrypted: string[];
}

/** An ISO 8601 timestamp cell as epoch ms. */
function time(text: string, column: string, line: number): number {
  const at = Date.parse(readTextCell(text));
  if (!Number.isFinite(at)) throw bad(`${column} "${text}" is not a date`, line);
  return at;
}

/**
 * The entries of a CSV written by `exportCsv` (the reverse of `recordsToCsv`): a flat object from
 * the field columns, or the typed `value` cell; `updatedAt` kept (and used as `createdAt`, which
 * the CSV does not carry); values taken to be of `schema`. Anything else fails with
 * `invalid-argument` and the line, before anything is written.
 */
export function csvEntries(text: string, schema: number): CsvContent {
  const [head, ...rows] = parseCsv(text);
  const header = head?.cells.map(readTextCell) ?? [];
  const n = header.length;
  if (n < 4 || header[0] !== 'key' || CSV_TAIL.some((c, i) => header[n - 3 + i] !== c)) {
    throw new StowageError('invalid-argument', `invalid CSV: the header must be key,…,${CSV_TAIL.join(',')} (as exportCsv writes it)`, { details: { line: 1 } });
  }
  const fields = header.slice(1, n - 3);
  const out: CsvContent = { entries: [], encrypted: [] };
  const seen = new Set<string>();
  for (const { line, cells } of rows) {
    if (cells.length !== n) throw bad(`${cells.length} fields where the header has ${n}`, line);
    const key = readTextCell(cells[0] as string);
    if (key === '') throw bad('a row without a key', line);
    if (seen.has(key)) throw bad(`key "${key}" appears twice`, line);
    seen.add(key);
    const [valueText, updated, expires] = cells.slice(n - 3) as [string, string, string];
    const own = cells.slice(1, n - 3);
    if (valueText === ENCRYPTED_CELL) {
      out.encrypted.push(key);
      continue;
    }
    let value: unknown;
    if (valueText !== '') {
      if (own.some((c) => c !== '')) throw bad(`"${key}" has both a value and fields`, line);
      value = readValueCell(valueText);
    } else {
      // Object.fromEntries: a field named __proto__ is a field, not the prototype.
      value = Object.fromEntries(own.flatMap((c, i) => (c === '' ? [] : [[fields[i] as string, readValueCell(c)]])));
    }
    const updatedAt = time(updated, 'updatedAt', line);
    const e: BackupEntry = { key, value, createdAt: updatedAt, updatedAt, schema };
    if (expires !== '') e.expiresAt = time(expires, 'expiresAt', line);
    out.entries.push(e);
  }
  return out;
}
