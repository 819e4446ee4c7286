import { Bytes, serverTimestamp, Timestamp, type DocumentData } from 'firebase/firestore/lite';
import { StowageError } from '@stowage/core';
import type { CheckedChange, RemoteDoc } from '@stowage/sync';
import { decodeKey, encodeKey } from './key-encoding.js';

/**
 * One Firestore document per synced key (see README, "Document layout"):
 *
 * | field | type | meaning |
 * |---|---|---|
 * | `key` | string | the key, encoded as by `encodeKey` (the id may be a hash for long keys) |
 * | `json` | string | the value as JSON text (live, unencrypted keys): exact round trips, no depth or nested-array limits |
 * | `data` | bytes | ciphertext (encrypted keys): the cloud never sees their plaintext |
 * | `codecs` | array of strings | codec ids that produced `data` |
 * | `deleted` | boolean | tombstone |
 * | `hlc` | string | the revision (hybrid logical clock of the write) |
 * | `origin` | string | client id of the writer |
 * | `expiresAt` | number | local expiry (epoch ms), when set |
 * | `schema` | number | app schema version of the value (live keys), when known |
 * | `reencodes` | string | the revision whose value this is under a new encoding (a key rotation), when so |
 * | `serverTime` | timestamp | commit time, set by the server: the pull order |
 */
export function toFields({ change, json }: CheckedChange): DocumentData {
  const fields: DocumentData = {
    key: encodeKey(change.key),
    deleted: change.deleted,
    hlc: change.hlc,
    origin: change.origin,
    serverTime: serverTimestamp(),
  };
  if (json !== undefined) fields.json = json;
  if (!change.deleted && change.data) {
    fields.data = Bytes.fromUint8Array(change.data);
    fields.codecs = [...(change.codecs ?? [])];
  }
  if (change.expiresAt !== undefined) fields.expiresAt = change.expiresAt;
  if (change.reencodes !== undefined) fields.reencodes = change.reencodes;
  if (!change.deleted && change.schema !== undefined) fields.schema = change.schema;
  return fields;
}

/** The state a change leaves behind, as {@link fromFields} would read it back. */
export function docOfChange({ change, json }: CheckedChange): RemoteDoc {
  const doc: RemoteDoc = { key: change.key, deleted: change.deleted, hlc: change.hlc, origin: change.origin };
  if (json !== undefined) doc.value = JSON.parse(json);
  if (!change.deleted && change.data) {
    doc.data = change.data;
    doc.codecs = change.codecs;
  }
  if (change.expiresAt !== undefined) doc.expiresAt = change.expiresAt;
  if (change.reencodes !== undefined) doc.reencodes = change.reencodes;
  if (!change.deleted && change.schema !== undefined) doc.schema = change.schema;
  return doc;
}

function malformed(docId: string, why: string, cause?: unknown): StowageError {
  return new StowageError('decode-failed', `document ${docId} is not a Stowage key document: ${why}`, { cause, details: { docId } });
}

/** Reads a key document back; `decode-failed` when it does not have the layout of {@link toFields}. */
export function fromFields(docId: string, d: DocumentData): RemoteDoc {
  if (typeof d.key !== 'string' || typeof d.hlc !== 'string' || typeof d.origin !== 'string' || typeof d.deleted !== 'boolean') {
    throw malformed(docId, 'key, hlc, origin or deleted missing');
  }
  const doc: RemoteDoc = { key: decodeKey(d.key), deleted: d.deleted, hlc: d.hlc, origin: d.origin };
  if (typeof d.json === 'string') {
    try {
      doc.value = JSON.parse(d.json);
    } catch (err) {
      throw malformed(docId, 'json is not valid JSON', err);
    }
  } else if (d.data instanceof Bytes) {
    if (!Array.isArray(d.codecs) || !d.codecs.every((c) => typeof c === 'string')) throw malformed(docId, 'codecs missing');
    doc.data = d.data.toUint8Array();
    doc.codecs = [...(d.codecs as string[])];
  } else if (!d.deleted) {
    throw malformed(docId, 'a live key needs json or data');
  }
  if (typeof d.expiresAt === 'number') doc.expiresAt = d.expiresAt;
  if (typeof d.reencodes === 'string') doc.reencodes = d.reencodes;
  if (!doc.deleted && Number.isSafeInteger(d.schema) && (d.schema as number) >= 1) doc.schema = d.schema as number;
  return doc;
}

/** The server time of a key document (Lite returns server timestamps as `Timestamp`s). */
export function serverTimeOf(docId: string, d: DocumentData): Timestamp {
  if (d.serverTime instanceof Timestamp) return d.serverTime;
  throw malformed(docId, 'serverTime missing');
}
