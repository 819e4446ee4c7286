import { doc, FieldPath, increment, serverTimestamp, type DocumentData, type DocumentReference, type Transaction } from 'firebase/firestore/lite';
import { STOWAGE_ERROR_CODES, StowageError, type StowageErrorCode } from '@stowage/core';
import { checkCollectionOp, type ApplyOutcome, type CollectionOp } from '@stowage/sync';
import { throwIfAborted } from './abortable.js';
import { toRemoteError } from './firestore-errors.js';
import { isolate } from './isolate.js';
import { docIdForKey } from './key-encoding.js';
import { chunk, type RemoteContext } from './remote-context.js';
import { runInTransaction } from './run-transaction.js';

/**
 * Operations per transaction. Each costs at most three writes (its marker, its document, and a
 * verify of a document read for an existence check but left unwritten): 160 × 3 < 500.
 */
const OPS_PER_COMMIT = 160;

interface Item {
  index: number;
  op: CollectionOp;
  target: DocumentReference;
  marker: DocumentReference;
}

/**
 * Applies collection operations in order, each at most once by id. Per chunk, one transaction reads
 * the operations' markers (`{opsCollection}/{opId}`) and the documents whose existence decides an
 * outcome (create, update), decides every operation in order against that state, and commits the
 * writes together with a marker per decided operation. A retry after a lost acknowledgement finds the
 * markers and reports `duplicate` (or the same rejection) without applying anything again.
 *
 * Choices: `update` replaces the named top-level fields (Firestore `update` semantics, no deep
 * merge); `increment` creates a missing document (like `FieldValue.increment` with merge).
 */
export async function applyOps(ctx: RemoteContext, ops: readonly CollectionOp[], signal: AbortSignal | undefined): Promise<ApplyOutcome[]> {
  if (!Array.isArray(ops)) throw new StowageError('invalid-argument', 'apply expects an array of operations');
  throwIfAborted(signal, 'apply');
  const outcomes: ApplyOutcome[] = new Array(ops.length);
  const items: Item[] = [];
  for (const [index, op] of ops.entries()) {
    const problem = checkCollectionOp(op);
    if (problem) {
      outcomes[index] = { status: 'rejected', id: String((op as { id?: unknown } | null)?.id), error: problem };
      continue;
    }
    items.push({ index, op, target: doc(ctx.db, op.collection, op.doc), marker: doc(ctx.db, ctx.opsCollection, await docIdForKey(op.id)) });
  }
  // Marks this call's markers: a browser may re-send a commit whose connection dropped (Chromium does
  // on a reused socket), which then fails its preconditions; the transaction re-runs, finds markers
  // written by this very call, and must report them `applied`, not `duplicate`.
  const call = { attempt: globalThis.crypto.randomUUID(), reported: new Set<string>() };
  for (const part of chunk(items, OPS_PER_COMMIT)) {
    const results = await isolate(
      part,
      (run) => runInTransaction(ctx.db, (tx) => applyInTransaction(tx, run, call), signal, 'apply'),
      (item, error): ApplyOutcome => ({ status: 'rejected', id: item.op.id, error }),
    );
    for (const [i, item] of part.entries()) {
      outcomes[item.index] = results[i]!;
      if (results[i]!.status === 'applied') call.reported.add(item.op.id);
    }
  }
  return outcomes;
}

/** `ours`: the marker was written by this very call (its first commit's acknowledgement was lost). */
type Decision = { status: 'applied'; ours?: boolean } | { status: 'rejected'; error: StowageError };

/** This call's marker token, and the ids it already reported applied (in earlier chunks). */
interface Call {
  attempt: string;
  reported: Set<string>;
}

async function applyInTransaction(tx: Transaction, items: readonly Item[], { attempt, reported }: Call): Promise<ApplyOutcome[]> {
  const markerRefs = new Map(items.map((i) => [i.marker.path, i.marker]));
  const targetRefs = new Map(items.filter((i) => i.op.type === 'create' || i.op.type === 'update').map((i) => [i.target.path, i.target]));
  const [markers, targets] = await Promise.all([
    Promise.all([...markerRefs.values()].map((ref) => tx.get(ref))),
    Promise.all([...targetRefs.values()].map((ref) => tx.get(ref))),
  ]);
  const decided = new Map<string, Decision>();
  for (const m of markers) {
    const data = m.data();
    if (data) decided.set(m.ref.path, markerDecision(data, attempt));
  }
  // Whether each document exists, as the operations of this chunk leave it.
  const exists = new Map(targets.map((t) => [t.ref.path, t.exists()]));
  return items.map(({ op, target, marker }): ApplyOutcome => {
    const earlier = decided.get(marker.path);
    if (earlier) {
      if (earlier.status === 'rejected') return { status: 'rejected', id: op.id, error: earlier.error };
      return { status: earlier.ours && !reported.has(op.id) ? 'applied' : 'duplicate', id: op.id };
    }
    const decision = decide(tx, op, target, exists);
    // A repeat of this id later in the same batch is a duplicate of this one.
    decided.set(marker.path, decision.status === 'applied' ? { status: 'applied', ours: false } : decision);
    const fields: DocumentData = { status: decision.status, type: op.type, collection: op.collection, doc: op.doc, attempt, at: serverTimestamp() };
    if (decision.status === 'rejected') Object.assign(fields, { code: decision.error.code, message: decision.error.message });
    tx.set(marker, fields);
    return decision.status === 'applied' ? { status: 'applied', id: op.id } : { status: 'rejected', id: op.id, error: decision.error };
  });
}

function decide(tx: Transaction, op: CollectionOp, target: DocumentReference, exists: Map<string, boolean>): Decision {
  const reject = (code: StowageErrorCode, reason: string, why: string): Decision => ({
    status: 'rejected',
    error: new StowageError(code, `${op.type} ${op.collection}/${op.doc}: ${why}`, { details: { id: op.id, collection: op.collection, doc: op.doc, reason } }),
  });
  const data = op.data ?? {};
  try {
    switch (op.type) {
      case 'create':
        if (exists.get(target.path)) return reject('conflict', 'already-exists', 'the document already exists');
        tx.set(target, data);
        break;
      case 'update':
        if (!exists.get(target.path)) return reject('not-found', 'not-found', 'the document does not exist');
        // FieldPath per name: a name like "a.b" is one field, not a path.
        tx.set(target, data, { mergeFields: Object.keys(data).map((name) => new FieldPath(name)) });
        break;
      case 'set':
        tx.set(target, data);
        break;
      case 'delete':
        tx.delete(target);
        exists.set(target.path, false);
        return { status: 'applied' };
      case 'increment':
        tx.set(target, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, increment(v as number)])), { merge: true });
        break;
    }
  } catch (err) {
    // The SDK parses before it queues a write, so a refused value leaves the transaction untouched.
    const error = toRemoteError(err, `${op.type} ${op.collection}/${op.doc}`);
    return { status: 'rejected', error };
  }
  exists.set(target.path, true);
  return { status: 'applied' };
}

function markerDecision(data: DocumentData, attempt: string): Decision {
  if (data.status === 'applied') return { status: 'applied', ours: data.attempt === attempt };
  const code = STOWAGE_ERROR_CODES.includes(data.code) ? (data.code as StowageErrorCode) : 'internal';
  return { status: 'rejected', error: new StowageError(code, String(data.message ?? 'rejected by an earlier attempt'), { details: { replayed: true } }) };
}
