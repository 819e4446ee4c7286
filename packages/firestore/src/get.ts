import { doc, getDoc } from 'firebase/firestore/lite';
import { validateKey } from '@stowage/core';
import type { RemoteDoc } from '@stowage/sync';
import { abortable, throwIfAborted } from './abortable.js';
import { fromFields } from './doc-layout.js';
import { toRemoteError } from './firestore-errors.js';
import { docIdForKey } from './key-encoding.js';
import type { RemoteContext } from './remote-context.js';

/**
 * The key document of `key` (one `batchGet`), read back as `pull` reads it: tombstones included,
 * `undefined` when there is none. A document at that id holding another key (two long keys whose
 * hashed ids collide, which push refuses to overwrite) is not this key's: `undefined` too.
 */
export async function getKeyDoc(ctx: RemoteContext, key: string, signal: AbortSignal | undefined): Promise<RemoteDoc | undefined> {
  validateKey(key);
  throwIfAborted(signal, 'get');
  const ref = doc(ctx.db, ctx.collectionPath, await docIdForKey(key));
  let snap;
  try {
    snap = await abortable(getDoc(ref), signal, 'get');
  } catch (err) {
    throw toRemoteError(err, 'get');
  }
  const data = snap.data();
  if (data === undefined) return undefined;
  const found = fromFields(snap.id, data);
  return found.key === key ? found : undefined;
}
