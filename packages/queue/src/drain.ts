import { StowageError, toStowageError } from '@stowage/core';
import type { DriverOp } from '@stowage/core';
import { applyOutcomes, commitChanges, newDeadLetter } from './apply-outcomes.js';
import type { NewDeadLetter } from './apply-outcomes.js';
import type { QueueContext } from './context.js';
import { outcomesOfThrow, resolveOutcomes } from './outcomes.js';
import type { ResolvedOutcomes } from './outcomes.js';
import { selectBatch } from './select-batch.js';
import type { Selection } from './select-batch.js';
import type { QueueEntry, QueueEvent } from './types.js';

/** Hooks of the queue that owns a drain. */
export interface DrainControl {
  /** Paused or closed: start no new batch. */
  stopped(): boolean;
  /** Aborted when the queue closes; passed to the handler. */
  readonly signal: AbortSignal;
  /** Runs work that needs the flush lock between batches (backoff resets). */
  between(): Promise<void>;
  /** Whether such work arrived since the last `between()`. */
  hasWork(): boolean;
  /** Asks for a flush at epoch ms `at` (the earliest backed-off entry). */
  wakeAt(at: number): void;
}

/** Deletes superseded entries and moves unreadable ones to the dead-letter list (data kept). */
async function cleanUp<T>(ctx: QueueContext<T>, sel: Selection<T>, now: number): Promise<void> {
  const ops: DriverOp[] = [];
  const events: QueueEvent<T>[] = [];
  const dead: NewDeadLetter<T>[] = [];
  for (const { entry, by } of sel.superseded) {
    ops.push({ type: 'delete', key: ctx.keys.pending + entry.id });
    events.push({ type: 'superseded', source: 'local', entry, by });
  }
  for (const { key, value } of sel.malformed) {
    const entry: QueueEntry<T> = { id: key.slice(ctx.keys.pending.length), payload: value as T, enqueuedAt: now, attempts: 0, nextAttemptAt: now };
    const error = new StowageError('decode-failed', 'queue: stored entry is not a queue entry record; kept as a dead letter with its raw value', { details: { key } });
    ops.push({ type: 'delete', key });
    dead.push(newDeadLetter(ctx, entry, error, now, { v: 1, payload: value, enqueuedAt: now, attempts: 0, nextAttemptAt: now }));
  }
  await commitChanges(ctx, ops, dead, events, sel.superseded.map((s) => s.entry));
}

/**
 * Hands one batch (already marked in flight) to the handler, records the outcomes, unmarks it.
 * Resolves to when to try again if the handler threw a retryable error (the remote is out of
 * reach), `undefined` otherwise.
 */
async function deliver<T>(ctx: QueueContext<T>, batch: QueueEntry<T>[], control: DrainControl): Promise<number | undefined> {
  try {
    let unreachable = false;
    let resolved: ResolvedOutcomes;
    try {
      resolved = resolveOutcomes(batch, await ctx.options.handler(batch, control.signal));
      ctx.batchLimit = Math.min(ctx.options.batchSize, ctx.batchLimit * 2);
    } catch (err) {
      // Closing aborted the handler: the entries were not judged, so leave them exactly as they are.
      if (control.signal.aborted) return undefined;
      resolved = outcomesOfThrow(batch.length, err);
      unreachable = resolved.outcomes[0]?.status === 'retry';
      // A flaky link fails a large call more often (a push of n keys is n + 1 requests): after a
      // transport failure, try half as many; successes double it back up to batchSize.
      if (unreachable) ctx.batchLimit = Math.max(1, Math.ceil(batch.length / 2));
    }
    if (resolved.problem) ctx.emit({ type: 'error', operation: 'handler', error: resolved.problem });
    const due = await applyOutcomes(ctx, batch, resolved.outcomes);
    return unreachable ? due : undefined;
  } finally {
    for (const e of batch) ctx.inFlight.delete(e.id);
  }
}

/**
 * The body of a flush, run while holding the flush lock: select a batch, deliver it, record the
 * outcomes in one driver batch, repeat — until nothing is due (then ask to be woken for the
 * earliest backed-off entry, or report `drained`). Resolves to the number of entries handled.
 */
export async function drain<T>(ctx: QueueContext<T>, control: DrainControl): Promise<number> {
  let handled = 0;
  let changed = false;
  try {
    for (;;) {
      await control.between();
      if (control.stopped()) return handled;
      const now = ctx.options.clock.now();
      const sel = await selectBatch<T>({
        driver: ctx.options.driver,
        prefix: ctx.keys.pending,
        now,
        batchSize: ctx.batchLimit,
        observe: (e) => ctx.index.note(e),
      });
      // In flight from selection on, so a prepare() in this tab does not coalesce over them meanwhile.
      for (const e of sel.batch) ctx.inFlight.add(e.id);
      if (sel.superseded.length > 0 || sel.malformed.length > 0) {
        changed = true;
        try {
          await cleanUp(ctx, sel, now);
        } catch (err) {
          for (const e of sel.batch) ctx.inFlight.delete(e.id);
          throw err;
        }
        // Removing an entry may unblock its scope or key: select again rather than wait.
        if (sel.batch.length === 0) continue;
      }
      if (sel.batch.length === 0) {
        if (control.hasWork()) continue;
        if (sel.earliest !== undefined) control.wakeAt(sel.earliest);
        // Only a flush that changed something reports it; an idle look (timer, other tab) stays quiet.
        else if (handled > 0 || changed) ctx.emit({ type: 'drained', source: 'local' });
        return handled;
      }
      handled += sel.batch.length;
      const retryAt = await deliver(ctx, sel.batch, control);
      if (retryAt !== undefined) {
        // The remote is out of reach: the rest of the backlog waits with the failed batch, so a
        // partition costs one request per backoff step, not one per pending batch. (A new entry
        // still starts a flush at once: writes cost at most a request each, and the first write
        // after the network came back goes out without waiting for the backoff.)
        control.wakeAt(retryAt);
        return handled;
      }
    }
  } catch (err) {
    throw toStowageError(err, 'queue flush');
  }
}
