import { StowageError } from './errors.js';

/** Format tag and version of {@link Backup}. */
export const BACKUP_FORMAT = 'stowage-backup';
/** Version of the {@link Backup} layout this code writes; `parseBackup` refuses newer ones. */
export const BACKUP_VERSION = 1;

/** One key of a backup: either its `value` (JSON) or its encoded `data` (base64) with `codecs`. */
export interface BackupEntry {
  key: string;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
  /** App schema version of the value. */
  schema: number;
  value?: unknown;
  /** Base64 of the encoded bytes (encrypted values stay ciphertext). */
  data?: string;
  codecs?: string[];
}

/** A versioned JSON backup of one namespace (`exportData()` / `importData()`). */
export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: number;
  prefix: string;
  exportedAt: number;
  entries: BackupEntry[];
}

const bad = (msg: string, details: Record<string, unknown> = {}): StowageError =>
  new StowageError('invalid-argument', `invalid backup: ${msg}`, { details });

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Validates an untrusted backup (e.g. a user-chosen file) before anything is written. */
export function parseBackup(input: unknown): Backup {
  const b = typeof input === 'string' ? parseJson(input) : input;
  if (typeof b !== 'object' || b === null) throw bad('not an object');
  const o = b as Partial<Backup>;
  if (o.format !== BACKUP_FORMAT) throw bad(`format is ${JSON.stringify(o.format)}, expected "${BACKUP_FORMAT}"`);
  if (!isNum(o.version) || o.version > BACKUP_VERSION) throw bad(`unsupported version ${String(o.version)}`);
  if (typeof o.prefix !== 'string' || !isNum(o.exportedAt) || !Array.isArray(o.entries)) throw bad('missing prefix, exportedAt or entries');
  const seen = new Set<string>();
  o.entries.forEach((e: unknown, i) => {
    const x = e as Partial<BackupEntry>;
    if (typeof x !== 'object' || x === null || typeof x.key !== 'string' || x.key === '') throw bad(`entry ${i} has no key`, { index: i });
    if (seen.has(x.key)) throw bad(`key "${x.key}" appears twice`, { index: i, key: x.key });
    seen.add(x.key);
    if (!isNum(x.createdAt) || !isNum(x.updatedAt) || !isNum(x.schema)) throw bad(`entry "${x.key}" lacks timestamps or schema`, { key: x.key });
    if (x.expiresAt !== undefined && !isNum(x.expiresAt)) throw bad(`entry "${x.key}" has a bad expiresAt`, { key: x.key });
    const hasData = x.data !== undefined;
    if (hasData === ('value' in x && x.value !== undefined)) throw bad(`entry "${x.key}" needs exactly one of value or data`, { key: x.key });
    if (hasData && (typeof x.data !== 'string' || !Array.isArray(x.codecs) || x.codecs.length === 0 || !x.codecs.every((c) => typeof c === 'string'))) {
      throw bad(`entry "${x.key}" has data without codecs`, { key: x.key });
    }
  });
  return o as Backup;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StowageError('invalid-argument', 'invalid backup: not JSON', { cause: err });
  }
}

/** Bytes → base64 (chunked so large values don't overflow the argument list). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Base64 → bytes; `invalid-argument` on malformed input. */
export function fromBase64(text: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(text);
  } catch (err) {
    throw new StowageError('invalid-argument', 'invalid base64 data', { cause: err });
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
