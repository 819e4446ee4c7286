import { MAX_DOCUMENT_BYTES, documentSize } from './document-size.js';
import { cloneFields, cloneValue, deleteField, getField, parseFieldPath, setField, type FieldPath } from './field-path.js';
import { databaseKey, documentName, parseDocumentName, type DatabaseId } from './resource-path.js';
import { RpcError, invalidArgument } from './rpc-error.js';
import type { DocumentStore, StoredDocument } from './store.js';
import { formatMicros, timestampToMicros } from './timestamp.js';
import { applyFieldTransform, parseFieldTransform, type FieldTransform } from './transforms.js';
import { emptyFields, identicalFields, parseFields, type Fields, type Value } from './values.js';

type Precondition = { exists: boolean } | { updateTime: number } | undefined;

/** One parsed `Write`. */
interface ParsedWrite {
  readonly kind: 'update' | 'delete' | 'verify';
  readonly path: string;
  readonly name: string;
  readonly fields?: Fields;
  /** Absent = replace the whole document. */
  readonly mask?: readonly FieldPath[];
  readonly transforms: readonly FieldTransform[];
  readonly precondition: Precondition;
}

function parsePrecondition(raw: unknown, where: string): Precondition {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Invalid currentDocument at ${where}.`);
  const p = raw as Record<string, unknown>;
  if ('exists' in p && !('updateTime' in p)) {
    if (typeof p.exists !== 'boolean') throw invalidArgument(`Invalid currentDocument.exists at ${where}.`);
    return { exists: p.exists };
  }
  if ('updateTime' in p && !('exists' in p)) return { updateTime: timestampToMicros(p.updateTime, `${where}.updateTime`) };
  throw invalidArgument(`currentDocument needs exactly one of exists / updateTime at ${where}.`);
}

function parseTransforms(raw: unknown, where: string): FieldTransform[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalidArgument(`Invalid transforms at ${where}.`);
  return raw.map((t, i) => parseFieldTransform(t, `${where}[${i}]`));
}

/** Parses and validates one `Write` JSON object against the request's database. */
export function parseWrite(raw: unknown, db: DatabaseId, index: number): ParsedWrite {
  const where = `writes[${index}]`;
  if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Invalid write at ${where}.`);
  const w = raw as Record<string, unknown>;
  const ops = ['update', 'delete', 'verify', 'transform'].filter((k) => k in w);
  if (ops.length !== 1) throw invalidArgument(`A write needs exactly one operation at ${where}.`);
  const precondition = parsePrecondition(w.currentDocument, `${where}.currentDocument`);
  if (w.delete !== undefined || w.verify !== undefined) {
    const name = (w.delete ?? w.verify) as string;
    const path = parseDocumentName(name, db);
    if (w.updateTransforms !== undefined) throw invalidArgument(`updateTransforms are only allowed with update at ${where}.`);
    return { kind: w.delete !== undefined ? 'delete' : 'verify', path, name, transforms: [], precondition };
  }
  if (w.transform !== undefined) {
    // Legacy stand-alone transform: an update with an empty mask plus transforms.
    const t = w.transform as Record<string, unknown>;
    const path = parseDocumentName(t?.document, db);
    const transforms = parseTransforms(t.fieldTransforms, `${where}.transform.fieldTransforms`);
    return { kind: 'update', path, name: t.document as string, mask: [], fields: emptyFields(), transforms, precondition };
  }
  const doc = w.update as Record<string, unknown>;
  if (typeof doc !== 'object' || doc === null) throw invalidArgument(`Invalid update at ${where}.`);
  const path = parseDocumentName(doc.name, db);
  const fields = parseFields(doc.fields, `${where}.update.fields`);
  let mask: FieldPath[] | undefined;
  if (w.updateMask !== undefined) {
    const paths = (w.updateMask as { fieldPaths?: unknown }).fieldPaths ?? [];
    if (!Array.isArray(paths)) throw invalidArgument(`Invalid updateMask at ${where}.`);
    mask = paths.map(parseFieldPath);
  }
  const transforms = parseTransforms(w.updateTransforms, `${where}.updateTransforms`);
  return { kind: 'update', path, name: doc.name as string, fields, transforms, precondition, ...(mask ? { mask } : {}) };
}

function checkPrecondition(write: ParsedWrite, current: StoredDocument | null): void {
  const p = write.precondition;
  if (!p) return;
  if ('exists' in p) {
    if (p.exists && !current) throw new RpcError('NOT_FOUND', `No document to update: ${write.name}`);
    if (!p.exists && current) throw new RpcError('ALREADY_EXISTS', `Document already exists: ${write.name}`);
    return;
  }
  // A missing document cannot match any version; FAILED_PRECONDITION keeps it retryable for transactions.
  if (!current || current.updateTime !== p.updateTime) {
    const stored = current ? formatMicros(current.updateTime) : 'missing';
    throw new RpcError(
      'FAILED_PRECONDITION',
      `the stored version (${stored}) does not match the required base version (${formatMicros(p.updateTime)})`,
    );
  }
}

function applyMask(base: Fields, write: ParsedWrite): Fields {
  const fields = cloneFields(base);
  for (const path of write.mask ?? []) {
    const value = getField(write.fields as Fields, path);
    if (value === undefined) deleteField(fields, path);
    else setField(fields, path, cloneValue(value));
  }
  return fields;
}

/** Hook that decides whether the caller may write `path` (the owner rule). */
export type WriteAuthorizer = (path: string) => void;

/** The JSON answer of `documents:commit`. */
export interface CommitResponse {
  writeResults: { updateTime?: string; transformResults?: Value[] }[];
  commitTime: string;
}

/**
 * Executes a `documents:commit` request body atomically: every write is validated and applied to a
 * private overlay in order (so later writes see earlier ones), and only when all succeed is the
 * overlay handed to the store in one step. Any failure leaves the store untouched.
 */
export function commit(store: DocumentStore, db: DatabaseId, body: unknown, authorize: WriteAuthorizer): CommitResponse {
  const rawWrites = (body as { writes?: unknown })?.writes ?? [];
  if (!Array.isArray(rawWrites)) throw invalidArgument('Invalid commit request: writes must be an array.');
  const writes = rawWrites.map((w, i) => parseWrite(w, db, i));
  for (const w of writes) authorize(w.path);

  const dbKey = databaseKey(db);
  const commitTime = store.nextCommitTime();
  const requestTime: Value = { timestampValue: formatMicros(commitTime) };
  const overlay = new Map<string, StoredDocument | null>();
  const results: CommitResponse['writeResults'] = [];

  for (const write of writes) {
    const current = overlay.has(write.path) ? (overlay.get(write.path) ?? null) : (store.get(dbKey, write.path) ?? null);
    checkPrecondition(write, current);
    if (write.kind === 'delete') {
      if (current) overlay.set(write.path, null);
      results.push({});
      continue;
    }
    if (write.kind === 'verify') {
      results.push({});
      continue;
    }
    const fields = write.mask ? applyMask(current?.fields ?? emptyFields(), write) : cloneFields(write.fields as Fields);
    const transformResults = write.transforms.map((t) => applyFieldTransform(fields, t, requestTime));
    const size = documentSize(write.path, fields);
    if (size > MAX_DOCUMENT_BYTES) {
      throw invalidArgument(
        `Document '${documentName(db, write.path)}' cannot be written because its size (${size} bytes) exceeds the maximum allowed size of ${MAX_DOCUMENT_BYTES} bytes.`,
      );
    }
    // An identical result keeps its times: the SDK's transaction retries rely on stable update times.
    const unchanged = current !== null && identicalFields(current.fields, fields);
    const next: StoredDocument = unchanged
      ? (current as StoredDocument)
      : { fields, createTime: current ? current.createTime : commitTime, updateTime: commitTime };
    overlay.set(write.path, next);
    results.push({
      updateTime: formatMicros(next.updateTime),
      ...(write.transforms.length > 0 ? { transformResults } : {}),
    });
  }

  if (overlay.size > 0) store.apply(dbKey, overlay);
  return { writeResults: results, commitTime: formatMicros(commitTime) };
}
