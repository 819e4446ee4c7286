import { invalidArgument } from './rpc-error.js';

/** A Firestore database: the `projects/{project}/databases/{database}` part of every name. */
export interface DatabaseId {
  readonly project: string;
  readonly database: string;
}

/** `projects/P/databases/D` — the key under which the store keeps one database's documents. */
export function databaseKey(db: DatabaseId): string {
  return `projects/${db.project}/databases/${db.database}`;
}

/** Full resource name of a document given its relative path (`users/u1/notes/n1`). */
export function documentName(db: DatabaseId, path: string): string {
  return `${databaseKey(db)}/documents/${path}`;
}

// Numeric legacy ids (`__id123__`) are the one exception to the reserved-id rule.
const RESERVED = /^__.*__$/;
const LEGACY_NUMERIC = /^__id-?\d+__$/;
const MAX_ID_BYTES = 1500;
const MAX_SEGMENTS = 200; // 100 collection/document pairs

/** Throws INVALID_ARGUMENT unless `id` is a legal document or collection id. */
export function validateId(id: string, name: string): void {
  if (id === '') throw invalidArgument(`Invalid resource name "${name}": empty path segment.`);
  if (id === '.' || id === '..') throw invalidArgument(`Invalid resource name "${name}": "${id}" is not a valid id.`);
  if (RESERVED.test(id) && !LEGACY_NUMERIC.test(id)) {
    throw invalidArgument(`Resource id "${id}" is invalid because it is reserved.`);
  }
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) {
    throw invalidArgument(`Resource id in "${name}" is longer than ${MAX_ID_BYTES} bytes.`);
  }
}

/** Validates relative segments; `kind` says whether an even (document) or odd (collection) count is needed. */
export function validateSegments(segments: readonly string[], kind: 'document' | 'any', name: string): void {
  if (segments.length > MAX_SEGMENTS) throw invalidArgument(`Resource name "${name}" is too deep.`);
  if (kind === 'document' && (segments.length === 0 || segments.length % 2 !== 0)) {
    throw invalidArgument(`Document name "${name}" has odd number of segments.`);
  }
  for (const s of segments) validateId(s, name);
}

/**
 * Parses a full document name and checks that it lies inside `db` (the database named in the URL);
 * returns its relative path. Any violation is INVALID_ARGUMENT, as real Firestore answers.
 */
export function parseDocumentName(name: unknown, db: DatabaseId): string {
  if (typeof name !== 'string') throw invalidArgument(`Document name must be a string, got ${JSON.stringify(name)}.`);
  const prefix = `${databaseKey(db)}/documents/`;
  if (!name.startsWith(prefix)) {
    throw invalidArgument(`Document name "${name}" lies outside the database "${databaseKey(db)}" of the request.`);
  }
  const rel = name.slice(prefix.length);
  validateSegments(rel.split('/'), 'document', name);
  return rel;
}

/** Parses any `referenceValue` (which may point into another database) into its segments. */
export function parseReference(ref: unknown, where: string): string[] {
  if (typeof ref !== 'string') throw invalidArgument(`Invalid reference at ${where}.`);
  const parts = ref.split('/');
  if (parts.length < 7 || parts[0] !== 'projects' || parts[2] !== 'databases' || parts[4] !== 'documents') {
    throw invalidArgument(`Invalid reference value at ${where}: "${ref}".`);
  }
  if (parts[1] === '' || parts[3] === '') throw invalidArgument(`Invalid reference value at ${where}: "${ref}".`);
  validateSegments(parts.slice(5), 'document', ref);
  return parts;
}

/** Parent path (relative) and collection id of a relative document path. */
export function splitDocumentPath(path: string): { parent: string; collection: string; id: string } {
  const segs = path.split('/');
  const id = segs.pop() as string;
  const collection = segs.pop() as string;
  return { parent: segs.join('/'), collection, id };
}
