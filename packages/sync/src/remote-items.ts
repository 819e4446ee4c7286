import { ENVELOPE_VERSION, utf8Length } from '@stowage/core';
import type { ApplyRecordItem, StoredRecord } from '@stowage/core';
import type { RemoteDoc } from './remote-store.js';

/*
 * Remote state as the storage applies it: what a pulled (or conflicting, or merged) document
 * becomes in `applyRecords`. Pure functions of the documents; the engine adds revisions and guards.
 */

/** The state a merge leaves: the merged value (`undefined`: deleted) at the remote's revision. */
export function mergedDoc(remote: RemoteDoc, value: unknown): RemoteDoc {
  return { key: remote.key, hlc: remote.hlc, origin: remote.origin, deleted: value === undefined, ...(value === undefined ? {} : { value }) };
}

/** A local record holding remote ciphertext exactly as the writing client stored it. */
function cipherRecord(doc: RemoteDoc, now: number, schemaVersion: number): StoredRecord {
  const data = doc.data as Uint8Array;
  const r: StoredRecord = {
    v: ENVELOPE_VERSION, s: doc.schema ?? schemaVersion, codecs: [...(doc.codecs ?? [])], data,
    createdAt: now, updatedAt: now, size: utf8Length(doc.key) + data.byteLength, rawSize: data.byteLength,
  };
  if (doc.expiresAt !== undefined) r.expiresAt = doc.expiresAt;
  return r;
}

/**
 * The `applyRecords` item of a remote document: a deletion, ciphertext as is, or a value with its
 * expiry and schema version; guarded by the local record's `updatedAt` as read when `expect` has
 * the key (compare-and-set against a local write in between).
 */
export function applyItem(doc: RemoteDoc, expect: ReadonlyMap<string, number | null>, now: number, schemaVersion: number): ApplyRecordItem {
  const guard = expect.has(doc.key) ? { expectUpdatedAt: expect.get(doc.key) as number | null } : {};
  if (doc.deleted) return { key: doc.key, deleted: true, ...guard };
  if (doc.data !== undefined) return { key: doc.key, record: cipherRecord(doc, now, schemaVersion), ...guard };
  const schema = doc.schema === undefined ? {} : { schema: doc.schema };
  return { key: doc.key, value: doc.value, ...(doc.expiresAt !== undefined ? { expiresAt: doc.expiresAt } : {}), ...schema, ...guard };
}
