import { compareValues } from './compare.js';
import {
  compareFieldPaths,
  formatFieldPath,
  getField,
  isKeyPath,
  KEY_FIELD,
  parseFieldPath,
  setField,
  type FieldPath,
} from './field-path.js';
import { compileFilter, type FieldReader } from './filters.js';
import { databaseKey, documentName, splitDocumentPath, validateId, type DatabaseId } from './resource-path.js';
import { invalidArgument } from './rpc-error.js';
import type { DocumentStore, StoredDocument } from './store.js';
import { emptyFields, parseValue, type Fields, type Value } from './values.js';

/** One resolved order: a field path and a direction (1 ascending, -1 descending). */
interface Order {
  readonly path: FieldPath;
  readonly dir: 1 | -1;
}

interface Cursor {
  readonly values: readonly Value[];
  readonly before: boolean;
}

/** A matched document, fields already projected when the query had a `select`. */
export interface QueryHit {
  readonly path: string;
  readonly doc: StoredDocument;
}

/** What a query yields before formatting: hits after offset/limit and how many the offset skipped. */
export interface QueryResult {
  readonly hits: QueryHit[];
  readonly skipped: number;
}

/** The collection a query reads, from its parent and `from` clause. */
export interface QueryScope {
  readonly parent: string;
  readonly collectionId: string;
  readonly allDescendants: boolean;
}

const KEY_PATH: FieldPath = [KEY_FIELD];

/** Parses `from`; Firestore supports exactly one collection selector. */
export function parseScope(parent: string, sq: Record<string, unknown>): QueryScope {
  const from = sq.from;
  if (!Array.isArray(from) || from.length !== 1) throw invalidArgument('A query needs exactly one collection in "from".');
  const { collectionId, allDescendants } = (from[0] ?? {}) as { collectionId?: unknown; allDescendants?: unknown };
  if (typeof collectionId !== 'string') throw invalidArgument('A query "from" needs a collectionId.');
  validateId(collectionId, collectionId);
  return { parent, collectionId, allDescendants: allDescendants === true };
}

function inScope(path: string, scope: QueryScope): boolean {
  const { parent, collection } = splitDocumentPath(path);
  if (collection !== scope.collectionId) return false;
  if (!scope.allDescendants) return parent === scope.parent;
  return scope.parent === '' || parent === scope.parent || parent.startsWith(`${scope.parent}/`);
}

function parseOrders(raw: unknown, inequalities: readonly FieldPath[]): Order[] {
  if (raw !== undefined && !Array.isArray(raw)) throw invalidArgument('orderBy must be an array.');
  const explicit: Order[] = (raw ?? []).map((o: { field?: { fieldPath?: unknown }; direction?: unknown }) => {
    const direction = o?.direction ?? 'ASCENDING';
    if (!['ASCENDING', 'DESCENDING', 'DIRECTION_UNSPECIFIED'].includes(direction as string)) {
      throw invalidArgument(`Invalid order direction ${JSON.stringify(direction)}.`);
    }
    return { path: parseFieldPath(o?.field?.fieldPath), dir: direction === 'DESCENDING' ? -1 : 1 };
  });
  const keyAt = explicit.findIndex((o) => isKeyPath(o.path));
  if (keyAt !== -1 && keyAt < explicit.length - 1 && inequalities.length > 0) {
    throw invalidArgument('order by clause cannot contain more fields after the key');
  }
  // Normalize like the SDK: explicit orders, then unordered inequality fields by path, then __name__,
  // all in the direction of the last explicit order.
  const orders = [...explicit];
  const lastDir = explicit.at(-1)?.dir ?? 1;
  if (keyAt === -1) {
    const seen = new Set(explicit.map((o) => formatFieldPath(o.path)));
    const extra = [...inequalities]
      .filter((p) => !isKeyPath(p) && !seen.has(formatFieldPath(p)))
      .sort(compareFieldPaths)
      .filter((p, i, all) => i === 0 || compareFieldPaths(p, all[i - 1] as FieldPath) !== 0);
    for (const path of extra) orders.push({ path, dir: lastDir });
    orders.push({ path: KEY_PATH, dir: lastDir });
  }
  return orders;
}

function parseCursor(raw: unknown, orders: readonly Order[], which: string): Cursor | undefined {
  if (raw === undefined) return undefined;
  const c = raw as { values?: unknown; before?: unknown };
  const values = c?.values ?? [];
  if (!Array.isArray(values)) throw invalidArgument(`Invalid ${which} cursor.`);
  if (values.length > orders.length) throw invalidArgument(`Too many cursor values in ${which}: more than the order by fields.`);
  const parsed = values.map((v, i) => parseValue(v, `${which}.values[${i}]`, 0, { allowNestedArrays: true }));
  parsed.forEach((v, i) => {
    if (isKeyPath((orders[i] as Order).path) && !('referenceValue' in v)) {
      throw invalidArgument(`Cursor value for __name__ must be a reference at ${which}.values[${i}].`);
    }
  });
  return { values: parsed, before: c?.before === true };
}

function parseCount(raw: unknown, what: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = typeof raw === 'object' ? (raw as { value?: unknown }).value : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalidArgument(`Invalid ${what}: ${JSON.stringify(raw)}.`);
  return n;
}

function project(fields: Fields, select: readonly FieldPath[]): Fields {
  const out = emptyFields();
  for (const path of select) {
    const v = getField(fields, path);
    if (v !== undefined && !isKeyPath(path)) setField(out, path, v);
  }
  return out;
}

/**
 * Evaluates a `structuredQuery` against one database: scope, filters, normalized order (documents
 * lacking an order field are excluded), cursors, offset, limit and projection.
 */
export function executeQuery(store: DocumentStore, db: DatabaseId, scope: QueryScope, sq: Record<string, unknown>): QueryResult {
  const filter = sq.where === undefined ? undefined : compileFilter(sq.where);
  const orders = parseOrders(sq.orderBy, filter?.inequalityFields ?? []);
  const startAt = parseCursor(sq.startAt, orders, 'startAt');
  const endAt = parseCursor(sq.endAt, orders, 'endAt');
  const offset = parseCount(sq.offset, 'offset') ?? 0;
  const limit = parseCount(sq.limit, 'limit');
  let select: FieldPath[] | undefined;
  if (sq.select !== undefined) {
    const fields = (sq.select as { fields?: unknown })?.fields ?? [];
    if (!Array.isArray(fields)) throw invalidArgument('Invalid select.');
    select = fields.map((f: { fieldPath?: unknown }) => parseFieldPath(f?.fieldPath));
  }

  const rows: { path: string; doc: StoredDocument; keys: Value[] }[] = [];
  for (const [path, doc] of store.documents(databaseKey(db))) {
    if (!inScope(path, scope)) continue;
    const read: FieldReader = (p) => (isKeyPath(p) ? { referenceValue: documentName(db, path) } : getField(doc.fields, p));
    if (filter && !filter.matches(read)) continue;
    const keys = orders.map((o) => read(o.path));
    if (keys.some((k) => k === undefined)) continue;
    rows.push({ path, doc, keys: keys as Value[] });
  }

  const compareKeys = (keys: readonly Value[], other: readonly Value[]): number => {
    for (let i = 0; i < other.length; i++) {
      const c = compareValues(keys[i] as Value, other[i] as Value) * (orders[i] as Order).dir;
      if (c !== 0) return c;
    }
    return 0;
  };
  rows.sort((a, b) => compareKeys(a.keys, b.keys));

  const inRange = rows.filter((row) => {
    if (startAt) {
      const c = compareKeys(row.keys, startAt.values);
      if (startAt.before ? c < 0 : c <= 0) return false;
    }
    if (endAt) {
      const c = compareKeys(row.keys, endAt.values);
      if (endAt.before ? c >= 0 : c > 0) return false;
    }
    return true;
  });

  const skipped = Math.min(offset, inRange.length);
  const page = inRange.slice(skipped, limit === undefined ? undefined : skipped + limit);
  const hits = page.map(({ path, doc }) => ({ path, doc: select ? { ...doc, fields: project(doc.fields, select) } : doc }));
  return { hits, skipped };
}
