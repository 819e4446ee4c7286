import { serializeValue, toStowageError } from '@stowage/core';
import type { EntryInfo, Storage } from '@stowage/core';
import type { MirrorEntry } from './mirror.js';

/** From this many keys on, a re-read scans the namespace instead of reading key by key. */
const SCAN_FROM = 32;

/**
 * Values of `keys` with failures isolated: one undecryptable record must not keep every other key
 * out of the mirror. The fast path is one `getMany` (one read transaction); only when it fails is
 * each key read on its own to find out which one is bad.
 */
async function readValues(storage: Storage, keys: string[]): Promise<PromiseSettledResult<unknown>[]> {
  if (keys.length === 0) return [];
  try {
    return (await storage.getMany(keys)).map((value) => ({ status: 'fulfilled', value }));
  } catch {
    return Promise.allSettled(keys.map((k) => storage.get(k)));
  }
}

function entryOf(info: EntryInfo, read: PromiseSettledResult<unknown>): MirrorEntry | null {
  const meta = { size: info.size, encrypted: info.encrypted, ...(info.expiresAt !== undefined ? { expiresAt: info.expiresAt } : {}) };
  if (read.status === 'rejected') return { ...meta, error: toStowageError(read.reason, `read "${info.key}"`) };
  if (read.value === undefined) return null; // removed between the two reads; its event will follow
  try {
    // Values written before Stowage (foreign records) may hold what JSON cannot: say so on read.
    return { ...meta, json: serializeValue(read.value, info.key).json };
  } catch (e) {
    return { ...meta, error: toStowageError(e, `read "${info.key}"`) };
  }
}

/**
 * Reads the current stored state of `keys` (or of the whole namespace with `'all'`) for the
 * mirror: metadata through `inspect` (size, expiry, encryption) and values through `getMany`
 * (decrypted). Absent keys map to `null`. Both reads wait for this instance's earlier writes.
 */
export async function readEntries(storage: Storage, keys: readonly string[] | 'all'): Promise<Map<string, MirrorEntry | null>> {
  const out = new Map<string, MirrorEntry | null>();
  let infos: EntryInfo[];
  if (keys === 'all') infos = await storage.inspect();
  else {
    for (const k of keys) out.set(k, null);
    // One scan beats many point reads once a change touched many keys (another tab's big batch).
    infos = keys.length > SCAN_FROM
      ? (await storage.inspect()).filter((i) => out.has(i.key))
      : (await Promise.all(keys.map((k) => storage.inspect(k)))).filter((i): i is EntryInfo => i !== undefined);
  }
  const reads = await readValues(storage, infos.map((i) => i.key));
  infos.forEach((info, i) => out.set(info.key, entryOf(info, reads[i] as PromiseSettledResult<unknown>)));
  return out;
}
