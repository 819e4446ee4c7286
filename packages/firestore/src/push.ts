import { doc, type DocumentReference, type Transaction } from 'firebase/firestore/lite';
import { StowageError } from '@stowage/core';
import { checkRemoteChange, type CheckedChange, type PushOutcome, type RemoteChange, type RemoteDoc } from '@stowage/sync';
import { throwIfAborted } from './abortable.js';
import { docOfChange, fromFields, toFields } from './doc-layout.js';
import { docIdForKey } from './key-encoding.js';
import { isolate } from './isolate.js';
import { chunk, type RemoteContext } from './remote-context.js';
import { runInTransaction } from './run-transaction.js';

/** Firestore's cap on writes in one commit; every change costs exactly one (a set, or a verify). */
const WRITES_PER_COMMIT = 500;

interface Item {
  index: number;
  checked: CheckedChange;
  ref: DocumentReference;
}

/**
 * Pushes changes with compare-and-set, one transaction per 500 changes: all documents of the chunk
 * are read concurrently (Lite sends one batchGet per read), each change is compared with the
 * remote revision, and the non-conflicting ones are written in the same commit — whose preconditions
 * (the read update times) make the check and the write atomic. Chunks commit one after another;
 * if a later one fails the call rejects, and the retry finds the earlier ones applied (same hlc +
 * origin), which is reported as `applied` without writing again.
 */
export async function pushChanges(ctx: RemoteContext, changes: readonly RemoteChange[], signal: AbortSignal | undefined): Promise<PushOutcome[]> {
  if (!Array.isArray(changes)) throw new StowageError('invalid-argument', 'push expects an array of changes');
  throwIfAborted(signal, 'push');
  const outcomes: PushOutcome[] = new Array(changes.length);
  const items: Item[] = [];
  for (const [index, input] of changes.entries()) {
    const checked = checkRemoteChange(input);
    if (checked instanceof StowageError) {
      const key = (input as { key?: unknown } | null)?.key;
      outcomes[index] = { status: 'rejected', key: typeof key === 'string' ? key : String(key), error: checked };
      continue;
    }
    const ref = doc(ctx.db, ctx.collectionPath, await docIdForKey(checked.change.key));
    items.push({ index, checked, ref });
  }
  for (const part of chunk(items, WRITES_PER_COMMIT)) {
    const results = await isolate(
      part,
      (run) => runInTransaction(ctx.db, (tx) => pushInTransaction(tx, run), signal, 'push'),
      (item, error): PushOutcome => ({ status: 'rejected', key: item.checked.change.key, error }),
    );
    for (const [i, item] of part.entries()) outcomes[item.index] = results[i]!;
  }
  return outcomes;
}

async function pushInTransaction(tx: Transaction, items: readonly Item[]): Promise<PushOutcome[]> {
  const refs = new Map(items.map((item) => [item.ref.path, item.ref]));
  const snaps = await Promise.all([...refs.values()].map((ref) => tx.get(ref)));
  // The remote state per document, advanced as earlier changes of this chunk are written.
  const state = new Map<string, RemoteDoc | undefined | StowageError>();
  for (const snap of snaps) {
    const data = snap.data();
    let current: RemoteDoc | undefined | StowageError;
    try {
      current = data && fromFields(snap.id, data);
    } catch (err) {
      current = err as StowageError;
    }
    state.set(snap.ref.path, current);
  }
  return items.map(({ checked, ref }): PushOutcome => {
    const { change } = checked;
    const current = state.get(ref.path);
    if (current instanceof StowageError) return { status: 'rejected', key: change.key, error: current };
    if (current && current.key !== change.key) {
      // Two keys whose hashed ids collide: never overwrite another key's document.
      return { status: 'rejected', key: change.key, error: new StowageError('internal', 'document id collision', { details: { key: change.key, docId: ref.id } }) };
    }
    if (current && current.hlc === change.hlc && current.origin === change.origin) return { status: 'applied', key: change.key, hlc: change.hlc };
    if ((current?.hlc ?? null) !== change.base) return { status: 'conflict', key: change.key, remote: current };
    tx.set(ref, toFields(checked));
    state.set(ref.path, docOfChange(checked));
    return { status: 'applied', key: change.key, hlc: change.hlc };
  });
}
