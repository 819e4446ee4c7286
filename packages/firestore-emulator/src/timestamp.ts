import { invalidArgument } from './rpc-error.js';

/**
 * RFC 3339 timestamps at Firestore's precision (microseconds). Parsed timestamps are kept in a
 * canonical fixed-width UTC form (`YYYY-MM-DDTHH:MM:SS.ffffffZ`) so that string order equals time
 * order for the whole valid range (years 0001–9999) and equality is plain string equality.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;
const MIN_SECONDS = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253_402_300_799; // 9999-12-31T23:59:59Z

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Inverse of {@link daysFromCivil}. */
function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Formats seconds since the epoch plus microseconds as the canonical timestamp string. */
export function formatTimestamp(seconds: number, micros: number): string {
  const days = Math.floor(seconds / 86_400);
  const secOfDay = seconds - days * 86_400;
  const [y, m, d] = civilFromDays(days);
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}.${pad(micros, 6)}Z`;
}

/** Formats a time given in microseconds since the epoch (the store's clock unit). */
export function formatMicros(us: number): string {
  const seconds = Math.floor(us / 1e6);
  return formatTimestamp(seconds, us - seconds * 1e6);
}

/**
 * Parses an RFC 3339 timestamp with 0–9 fraction digits and any offset, truncating to microseconds
 * (Firestore rounds down). Throws INVALID_ARGUMENT for malformed or out-of-range input.
 */
export function parseTimestamp(text: unknown, where: string): { seconds: number; micros: number } {
  const match = typeof text === 'string' ? RFC3339.exec(text) : null;
  if (!match) throw invalidArgument(`Invalid timestamp at ${where}: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = match;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    throw invalidArgument(`Invalid timestamp at ${where}: ${text as string}`);
  }
  let seconds = daysFromCivil(Number(y), month, day) * 86_400 + Number(h) * 3600 + Number(mi) * 60 + Number(s);
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    seconds -= sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw invalidArgument(`Timestamp out of range at ${where}: ${text as string}`);
  }
  return { seconds, micros: Number(frac.padEnd(6, '0').slice(0, 6)) };
}

/** Parses to microseconds since the epoch (for precondition times, which are recent dates). */
export function timestampToMicros(text: unknown, where: string): number {
  const { seconds, micros } = parseTimestamp(text, where);
  return seconds * 1e6 + micros;
}

/** Parses and returns the canonical string. */
export function canonicalTimestamp(text: unknown, where: string): string {
  const { seconds, micros } = parseTimestamp(text, where);
  return formatTimestamp(seconds, micros);
}
