import { aggregate, parseAggregations } from './aggregation.js';
import { commit } from './commit.js';
import { executeQuery, parseScope } from './query.js';
import { databaseKey, documentName, parseDocumentName, type DatabaseId } from './resource-path.js';
import type { Authorizer } from './rules.js';
import { RpcError, invalidArgument } from './rpc-error.js';
import type { DocumentStore, StoredDocument } from './store.js';
import { formatMicros } from './timestamp.js';

/** Everything one RPC needs: where it runs, who calls, and the parent path from the URL. */
export interface RpcContext {
  readonly store: DocumentStore;
  readonly db: DatabaseId;
  /** Relative document path after `/documents` in the URL ('' for the database root). */
  readonly parent: string;
  readonly auth: Authorizer;
}

function toDocument(db: DatabaseId, path: string, doc: StoredDocument): Record<string, unknown> {
  return {
    name: documentName(db, path),
    fields: doc.fields,
    createTime: formatMicros(doc.createTime),
    updateTime: formatMicros(doc.updateTime),
  };
}

function asObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidArgument(`Invalid ${what} request body.`);
  return body as Record<string, unknown>;
}

function requireRoot(ctx: RpcContext, rpc: string): void {
  if (ctx.parent !== '') throw invalidArgument(`${rpc} must be called on the database root.`);
}

/** `documents:batchGet`: one answer per requested name (found or missing), always with a readTime. */
function batchGet(ctx: RpcContext, body: unknown): unknown[] {
  requireRoot(ctx, 'batchGet');
  const { documents } = asObject(body, 'batchGet');
  if (!Array.isArray(documents)) throw invalidArgument('batchGet needs a "documents" array.');
  const paths = documents.map((name) => parseDocumentName(name, ctx.db));
  for (const path of paths) ctx.auth.document(path);
  const readTime = formatMicros(ctx.store.readTime());
  const key = databaseKey(ctx.db);
  return paths.map((path) => {
    const doc = ctx.store.get(key, path);
    return doc ? { found: toDocument(ctx.db, path, doc), readTime } : { missing: documentName(ctx.db, path), readTime };
  });
}

function structuredQueryOf(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null) throw invalidArgument('A structuredQuery is required.');
  return raw as Record<string, unknown>;
}

/** `…:runQuery`: matching documents; a lone `{readTime}` element when nothing matches. */
function runQuery(ctx: RpcContext, body: unknown): unknown[] {
  const sq = structuredQueryOf(asObject(body, 'runQuery').structuredQuery);
  const scope = parseScope(ctx.parent, sq);
  ctx.auth.query(scope.parent, scope.allDescendants, scope.collectionId);
  const { hits, skipped } = executeQuery(ctx.store, ctx.db, scope, sq);
  const readTime = formatMicros(ctx.store.readTime());
  const skippedResults = skipped > 0 ? { skippedResults: skipped } : {};
  if (hits.length === 0) return [{ readTime, ...skippedResults }];
  return hits.map((hit, i) => ({ document: toDocument(ctx.db, hit.path, hit.doc), readTime, ...(i === 0 ? skippedResults : {}) }));
}

/** `…:runAggregationQuery`: exactly one result element. */
function runAggregationQuery(ctx: RpcContext, body: unknown): unknown[] {
  const saq = asObject(asObject(body, 'runAggregationQuery').structuredAggregationQuery, 'structuredAggregationQuery');
  const aggregations = parseAggregations(saq.aggregations);
  const sq = structuredQueryOf(saq.structuredQuery);
  const scope = parseScope(ctx.parent, sq);
  ctx.auth.query(scope.parent, scope.allDescendants, scope.collectionId);
  const { hits } = executeQuery(ctx.store, ctx.db, scope, sq);
  const aggregateFields = aggregate(aggregations, hits);
  return [{ result: { aggregateFields }, readTime: formatMicros(ctx.store.readTime()) }];
}

/** Dispatches one RPC by the name after the `:` in the URL. */
export function handleRpc(rpc: string, ctx: RpcContext, body: unknown): unknown {
  switch (rpc) {
    case 'commit':
      requireRoot(ctx, 'commit');
      return commit(ctx.store, ctx.db, asObject(body, 'commit'), (path) => ctx.auth.document(path));
    case 'batchGet':
      return batchGet(ctx, body);
    case 'runQuery':
      return runQuery(ctx, body);
    case 'runAggregationQuery':
      return runAggregationQuery(ctx, body);
    default:
      throw new RpcError('UNIMPLEMENTED', `RPC "${rpc}" is not emulated (only the RPCs of firebase/firestore/lite are).`);
  }
}
