import type { OperationLogEntry } from './stats-types.js';

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. Text starting with
 * `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so a spreadsheet shows it instead of running it as
 * a formula (CSV injection). Numbers are written as they are: a negative number is data, not a formula.
 */
export function csvCell(x: string | number | undefined): string {
  if (x === undefined) return '';
  if (typeof x === 'number') return String(x);
  const safe = /^[=+\-@\t\r]/.test(x) ? `'${x}` : x;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const HEADER = ['time', 'op', 'key', 'keys', 'size', 'durationMs', 'outcome', 'error'];

/** The log as CSV, one row per entry in the given order, CRLF line ends (RFC 4180). */
export function logToCsv(entries: readonly OperationLogEntry[]): string {
  const lines = [HEADER.join(',')];
  for (const e of entries) {
    lines.push([Number.isFinite(e.at) ? new Date(e.at).toISOString() : undefined, e.op, e.key, e.keys, e.size, e.durationMs, e.outcome, e.error].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
