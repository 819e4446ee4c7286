import { csvCell } from '@stowage/core';
import type { OperationLogEntry } from './stats-types.js';

const HEADER = ['time', 'op', 'key', 'keys', 'size', 'durationMs', 'outcome', 'error'];

/** The log as CSV, one row per entry in the given order, CRLF line ends (RFC 4180). */
export function logToCsv(entries: readonly OperationLogEntry[]): string {
  const lines = [HEADER.join(',')];
  for (const e of entries) {
    lines.push([Number.isFinite(e.at) ? new Date(e.at).toISOString() : undefined, e.op, e.key, e.keys, e.size, e.durationMs, e.outcome, e.error].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
