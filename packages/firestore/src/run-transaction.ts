import { runTransaction, type Firestore, type Transaction } from 'firebase/firestore/lite';
import { abortable, sleep, throwIfAborted } from './abortable.js';
import { firestoreCode, toRemoteError } from './firestore-errors.js';

/** Attempts of a transaction that loses a race with another writer, before giving up (`aborted`). */
const CONTENTION_ATTEMPTS = 5;

/**
 * Runs `fn` in a Lite transaction and maps failures to StowageErrors.
 *
 * The SDK's own retry loop is turned off (`maxAttempts: 1`): it retries transport errors too, five
 * times with 1 s × 1.5ⁿ backoff, which would hide an outage from the caller for ~8 s and then still
 * fail. Here only contention is retried at once — the commit's preconditions failed because another
 * client wrote a document we read (`failed-precondition` / `aborted`) — and transport errors go
 * straight to the caller, whose backoff policy owns the timing.
 */
export async function runInTransaction<T>(db: Firestore, fn: (tx: Transaction) => Promise<T>, signal: AbortSignal | undefined, context: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal, context);
    try {
      return await abortable(runTransaction(db, fn, { maxAttempts: 1 }), signal, context);
    } catch (err) {
      const code = firestoreCode(err);
      const contention = code === 'failed-precondition' || code === 'aborted';
      if (!contention || attempt >= CONTENTION_ATTEMPTS) throw toRemoteError(err, context, true);
      // Small jittered pause so two clients racing for the same documents do not collide again.
      await sleep(Math.random() * 20 * attempt, signal, context);
    }
  }
}
