import {
  collection, documentId, getDocs, limit, orderBy, query, startAfter, Timestamp, where, writeBatch, type QueryConstraint, type QueryDocumentSnapshot,
} from 'firebase/firestore/lite';
import { StowageError } from '@stowage/core';
import { abortable, throwIfAborted } from './abortable.js';
import { toRemoteError } from './firestore-errors.js';
import type { RemoteContext } from './remote-context.js';
import { runInTransaction } from './run-transaction.js';

const PAGE = 200;

/**
 * Calls `onPage` with each page of the documents of `path` whose timestamp `field` is older than
 * `before`, oldest first. A single-field range, so no composite index is needed in a real project;
 * the cursor is (field, id) values, so `onPage` may delete what it was given.
 */
async function forEachOlder(
  ctx: RemoteContext, path: string, field: string, before: number, signal: AbortSignal | undefined, what: string,
  onPage: (docs: QueryDocumentSnapshot[]) => Promise<void>,
): Promise<void> {
  if (!Number.isFinite(before)) throw new StowageError('invalid-argument', `${what} expects a finite epoch-ms time`, { details: { before } });
  throwIfAborted(signal, what);
  const cutoff = Timestamp.fromMillis(before);
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const constraints: QueryConstraint[] = [where(field, '<', cutoff), orderBy(field), orderBy(documentId())];
    if (last) constraints.push(startAfter(last.get(field), last.id));
    constraints.push(limit(PAGE));
    let page;
    try {
      page = await abortable(getDocs(query(collection(ctx.db, path), ...constraints)), signal, what);
    } catch (err) {
      throw toRemoteError(err, what);
    }
    await onPage(page.docs);
    if (page.docs.length < PAGE) return;
    last = page.docs.at(-1);
  }
}

/**
 * Deletes tombstones whose last write (server time) is older than `before` (epoch ms). Each page's
 * tombstones go in one transaction that first re-reads them: a key revived in the meantime is left
 * alone.
 */
export async function purgeTombstones(ctx: RemoteContext, before: number, signal: AbortSignal | undefined): Promise<number> {
  let purged = 0;
  await forEachOlder(ctx, ctx.collectionPath, 'serverTime', before, signal, 'purgeTombstones', async (docs) => {
    const tombstones = docs.filter((d) => d.data().deleted === true);
    if (tombstones.length === 0) return;
    purged += await runInTransaction(ctx.db, async (tx) => {
      const fresh = await Promise.all(tombstones.map((t) => tx.get(t.ref)));
      let n = 0;
      for (const [i, snap] of fresh.entries()) {
        const data = snap.data();
        if (data?.deleted === true && data.hlc === tombstones[i]!.data().hlc) {
          tx.delete(snap.ref);
          n++;
        }
      }
      return n;
    }, signal, 'purgeTombstones');
  });
  return purged;
}

/**
 * Deletes `apply`'s operation markers written (server time `at`) before `before`, a page per batched
 * write. Markers are never rewritten, so no re-read is needed.
 */
export async function purgeOperations(ctx: RemoteContext, before: number, signal: AbortSignal | undefined): Promise<number> {
  let purged = 0;
  await forEachOlder(ctx, ctx.opsCollection, 'at', before, signal, 'purgeOperations', async (docs) => {
    if (docs.length === 0) return;
    const batch = writeBatch(ctx.db);
    for (const d of docs) batch.delete(d.ref);
    try {
      await abortable(batch.commit(), signal, 'purgeOperations');
    } catch (err) {
      throw toRemoteError(err, 'purgeOperations');
    }
    purged += docs.length;
  });
  return purged;
}
