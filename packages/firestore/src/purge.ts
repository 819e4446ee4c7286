import {
  collection, documentId, getDocs, limit, orderBy, query, startAfter, Timestamp, where, type QueryConstraint, type QueryDocumentSnapshot,
} from 'firebase/firestore/lite';
import { StowageError } from '@stowage/core';
import { abortable, throwIfAborted } from './abortable.js';
import { toRemoteError } from './firestore-errors.js';
import type { RemoteContext } from './remote-context.js';
import { runInTransaction } from './run-transaction.js';

const PAGE = 200;

/**
 * Deletes tombstones whose last write (server time) is older than `before` (epoch ms). Scans the
 * key documents older than `before` by server time — a single-field range, so no composite index
 * is needed in a real project — and deletes each page's tombstones in one transaction that first
 * re-reads them: a key revived in the meantime is left alone.
 */
export async function purgeTombstones(ctx: RemoteContext, before: number, signal: AbortSignal | undefined): Promise<number> {
  if (!Number.isFinite(before)) throw new StowageError('invalid-argument', 'purgeTombstones expects a finite epoch-ms time', { details: { before } });
  throwIfAborted(signal, 'purgeTombstones');
  const cutoff = Timestamp.fromMillis(before);
  let purged = 0;
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const constraints: QueryConstraint[] = [where('serverTime', '<', cutoff), orderBy('serverTime'), orderBy(documentId())];
    if (last) constraints.push(startAfter(last.data().serverTime, last.id));
    constraints.push(limit(PAGE));
    let page;
    try {
      page = await abortable(getDocs(query(collection(ctx.db, ctx.collectionPath), ...constraints)), signal, 'purgeTombstones');
    } catch (err) {
      throw toRemoteError(err, 'purgeTombstones');
    }
    const tombstones = page.docs.filter((d) => d.data().deleted === true);
    if (tombstones.length > 0) {
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
    }
    if (page.docs.length < PAGE) return purged;
    last = page.docs.at(-1);
  }
}
