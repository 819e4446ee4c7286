import { serializeValue, toStowageError, inspect, storageConfig } from '@stowage/core';
import type { EntryInfo, ScanEntry, Storage } from '@stowage/core';
import { MirrorEntry } from './mirror.js';

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

function entryOf(info: EntryInfo, read: PromiseSettledResult<unknown>, schemaVersion: number): MirrorEntry | null {
  const { size, encrypted, expiresAt } = info;
  if (read.status === 'rejected') return MirrorEntry.failed(toStowageError(read.reason, `read "${info.key}"`), size, encrypted, expiresAt);
  if (read.value === undefined) return null; // removed between the two reads; its event will follow
  // A record of the current schema holds what Stowage validated when it wrote it: it is kept as
  // read (the object is this read's own copy) and stringified on its first read. Older schemas
  // went through migrations and foreign records (schema 0) may hold what JSON cannot: those are
  // checked now, and a bad one says so on read.
  if (info.schema === schemaVersion) return MirrorEntry.stored(read.value, size, encrypted, expiresAt);
  try {
    return MirrorEntry.json(serializeValue(read.value, info.key).json, size, encrypted, expiresAt);
  } catch (e) {
    return MirrorEntry.failed(toStowageError(e, `read "${info.key}"`), size, encrypted, expiresAt);
  }
}

const settled = (e: ScanEntry): PromiseSettledResult<unknown> => (e.error ? { status: 'rejected', reason: e.error } : { status: 'fulfilled', value: e.value });

/**
 * Reads the current stored state of `keys` (or of the whole namespace with `'all'`) for the
 * mirror. Many keys: one `scan()` of the namespace (values and metadata in one read, a bad record
 * isolated in its entry). A few keys: metadata through `inspect(key)` (size, expiry, encryption)
 * and values through `getMany` (decrypted). Absent keys map to `null`. Both paths wait for this
 * instance's earlier writes.
 */
export async function readEntries(storage: Storage, keys: readonly string[] | 'all'): Promise<Map<string, MirrorEntry | null>> {
  const out = new Map<string, MirrorEntry | null>();
  const schema = storageConfig(storage).schemaVersion;
  if (keys !== 'all') for (const k of keys) out.set(k, null);
  // One scan beats many point reads once a change touched many keys (another tab's big batch).
  if (keys === 'all' || keys.length > SCAN_FROM) {
    for (const e of await storage.scan()) {
      if (keys !== 'all' && !out.has(e.key)) continue;
      const { info } = e;
      if (!e.error && e.value !== undefined && info.schema === schema) {
        // The common case of a hydration (tens of thousands of entries): no wrapper objects.
        out.set(e.key, MirrorEntry.stored(e.value, info.size, info.encrypted, info.expiresAt));
      } else out.set(e.key, entryOf(info, settled(e), schema));
    }
    return out;
  }
  const infos = (await Promise.all(keys.map((k) => inspect(storage, k)))).filter((i): i is EntryInfo => i !== undefined);
  const reads = await readValues(storage, infos.map((i) => i.key));
  infos.forEach((info, i) => out.set(info.key, entryOf(info, reads[i] as PromiseSettledResult<unknown>, schema)));
  return out;
}
