import { collection, documentId, getDocs, limit as limitTo, orderBy, query, startAfter, type QueryConstraint } from 'firebase/firestore/lite';
import { StowageError } from '@stowage/core';
import type { Checkpoint, PullResult, RemoteDoc } from '@stowage/sync';
import { abortable, throwIfAborted } from './abortable.js';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { fromFields, serverTimeOf } from './doc-layout.js';
import { toRemoteError } from './firestore-errors.js';
import type { RemoteContext } from './remote-context.js';

/** Largest page a pull may ask for (one runQuery response must stay reasonable). */
export const MAX_PULL_LIMIT = 10_000;

/**
 * One page of key documents in (serverTime, documentId) order after `checkpoint`, tombstones
 * included. Commit times are monotonic and a document's `serverTime` is the time of its latest
 * write, so a document written while a client pages through moves behind the cursor: it is seen
 * (again, at its new revision) on a later page and never skipped.
 */
export async function pullPage(ctx: RemoteContext, checkpoint: Checkpoint | undefined, limit: number, signal: AbortSignal | undefined): Promise<PullResult> {
  const after = parseCheckpoint(checkpoint);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PULL_LIMIT) {
    throw new StowageError('invalid-argument', `pull limit must be an integer in 1..${MAX_PULL_LIMIT}`, { details: { limit } });
  }
  throwIfAborted(signal, 'pull');
  const constraints: QueryConstraint[] = [orderBy('serverTime'), orderBy(documentId())];
  if (after) constraints.push(startAfter(after.time, after.docId));
  constraints.push(limitTo(limit));
  let snap;
  try {
    snap = await abortable(getDocs(query(collection(ctx.db, ctx.collectionPath), ...constraints)), signal, 'pull');
  } catch (err) {
    throw toRemoteError(err, 'pull');
  }
  const docs: RemoteDoc[] = [];
  let last = checkpoint;
  for (const d of snap.docs) {
    const data = d.data();
    const here = formatCheckpoint({ time: serverTimeOf(d.id, data), docId: d.id });
    try {
      docs.push(fromFields(d.id, data));
    } catch (err) {
      // Deliver the good documents before it; the next pull starts at the bad one.
      if (docs.length > 0) break;
      // A foreign document in the sync collection must not be skipped silently; the details let the
      // app skip it deliberately by resuming from `skipCheckpoint`.
      const error = err as StowageError;
      throw new StowageError('decode-failed', error.message, { cause: err, details: { docId: d.id, skipCheckpoint: here } });
    }
    last = here;
  }
  return { docs, checkpoint: last };
}
