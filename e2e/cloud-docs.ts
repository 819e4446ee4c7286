import type { Emulator } from './fixtures.js';

/** How a cloud key reads in assertions: its value, or one of these. */
export const TOMBSTONE = '<tombstone>';
export const MISSING = '<missing>';

/** A key document as the emulator holds it. */
export interface CloudDoc {
  /** The value, {@link TOMBSTONE} for a deletion. */
  value: unknown;
  /** The revision (HLC of the write that made it). */
  hlc: string;
  /** The client that wrote it. */
  origin: string;
}

/** The key documents of `collectionPath` (e.g. `users/t1/kv`), by key, read over the emulator's REST API. */
export async function cloudDocs(emulator: Emulator, collectionPath: string): Promise<Map<string, CloudDoc>> {
  const parts = collectionPath.split('/');
  const docs = await emulator.collection(parts.pop() as string, parts.join('/'));
  const out = new Map<string, CloudDoc>();
  for (const f of docs.values()) {
    const json = f.json?.stringValue;
    out.set(f.key?.stringValue ?? '', {
      value: f.deleted?.booleanValue ? TOMBSTONE : json === undefined ? undefined : (JSON.parse(json) as unknown),
      hlc: f.hlc?.stringValue ?? '',
      origin: f.origin?.stringValue ?? '',
    });
  }
  return out;
}

/** One key's cloud value: the value, {@link TOMBSTONE} or {@link MISSING}. */
export async function cloudValue(emulator: Emulator, collectionPath: string, key: string): Promise<unknown> {
  const doc = (await cloudDocs(emulator, collectionPath)).get(key);
  return doc === undefined ? MISSING : doc.value;
}
