import { StowageError } from '@stowage/core';

/** Name of the codec's metadata record in its namespace. */
export const AES_GCM_META = 'aes-gcm';

/** One key that may still have ciphertexts in the namespace. Never holds key material. */
export type KeyEntry =
  | { id: string; kdf: 'pbkdf2-sha256'; salt: string; iterations: number; check: string }
  | { id: string; kdf: 'external'; check: string };

/**
 * The codec's metadata: which key encrypts (`current`), every key whose ciphertexts may still
 * exist (`keys`), and — while a rotation is re-encoding records — where it comes from and goes to.
 * Salts and check values are base64 so the record survives JSON export/import.
 */
export interface AesGcmMeta {
  v: 1;
  current: string;
  keys: KeyEntry[];
  rotation?: { from: string; to: string };
}

function malformed(reason: string): StowageError {
  return new StowageError('decode-failed', `aes-gcm: metadata is malformed (${reason})`, { details: { codec: 'aes-gcm', meta: AES_GCM_META, reason } });
}

function parseEntry(x: unknown): KeyEntry {
  if (typeof x !== 'object' || x === null) throw malformed('key entry is not an object');
  const e = x as Record<string, unknown>;
  if (typeof e.id !== 'string' || typeof e.check !== 'string') throw malformed('key entry lacks id or check');
  if (e.kdf === 'external') return { id: e.id, kdf: 'external', check: e.check };
  if (e.kdf === 'pbkdf2-sha256' && typeof e.salt === 'string' && typeof e.iterations === 'number' && Number.isSafeInteger(e.iterations) && e.iterations > 0) {
    return { id: e.id, kdf: 'pbkdf2-sha256', salt: e.salt, iterations: e.iterations, check: e.check };
  }
  throw malformed(`unknown kdf of key ${e.id}`);
}

/** Validates metadata read from storage; `decode-failed` when it is not ours or is damaged. */
export function parseMeta(x: unknown): AesGcmMeta {
  if (typeof x !== 'object' || x === null) throw malformed('not an object');
  const m = x as Record<string, unknown>;
  if (m.v !== 1) throw malformed(`unknown version ${String(m.v)}`);
  if (!Array.isArray(m.keys) || typeof m.current !== 'string') throw malformed('lacks keys or current');
  const keys = m.keys.map(parseEntry);
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw malformed('duplicate key id');
  if (!ids.has(m.current)) throw malformed('current key is not listed');
  const meta: AesGcmMeta = { v: 1, current: m.current, keys };
  if (m.rotation !== undefined) {
    const r = m.rotation as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || typeof r.from !== 'string' || typeof r.to !== 'string') throw malformed('bad rotation');
    meta.rotation = { from: r.from, to: r.to };
  }
  return meta;
}
