import { StowageError, toStowageError } from '@stowage/core';
import type { DriverOp } from '@stowage/core';
import { backoffDelay } from './backoff.js';
import type { QueueContext } from './context.js';
import { planRetention } from './dead-letters.js';
import type { ResolvedOutcome } from './outcomes.js';
import { errorRecord, toRecord } from './record.js';
import type { DeadRecord, EntryRecord } from './record.js';
import type { DeadLetter, QueueEntry, QueueEvent } from './types.js';

/** A dead letter about to be written. */
export interface NewDeadLetter<T> {
  letter: DeadLetter<T>;
  record: DeadRecord;
}

/** Builds a dead letter (with a fresh death-ordered id) for `entry`. */
export function newDeadLetter<T>(ctx: QueueContext<T>, entry: QueueEntry<T>, error: StowageError, now: number, record: EntryRecord = toRecord(entry)): NewDeadLetter<T> {
  const id = ctx.seq.next();
  return {
    letter: { id, entry, error, deadAt: now },
    record: { v: 1, entryId: entry.id, entry: record, error: errorRecord(error), deadAt: now },
  };
}

/**
 * Commits dead letters, pending-entry changes and retention in ONE driver batch, then tells the
 * index and the subscribers. Nothing is emitted when the batch fails (the caller reports it).
 */
export async function commitChanges<T>(
  ctx: QueueContext<T>,
  ops: DriverOp[],
  dead: readonly NewDeadLetter<T>[],
  events: QueueEvent<T>[],
  gone: readonly QueueEntry<T>[],
): Promise<void> {
  const { driver, maxDeadLetters } = ctx.options;
  const retention = await planRetention(driver, ctx.keys, dead.map((d) => d.letter.id), maxDeadLetters);
  const dropped = new Set(retention.dropped);
  for (const d of dead) if (!dropped.has(d.letter.id)) ops.push({ type: 'put', key: ctx.keys.dead + d.letter.id, value: d.record });
  ops.push(...retention.ops);
  if (ops.length > 0) await driver.batch(ops);
  for (const entry of gone) ctx.index.forget(entry);
  for (const event of events) ctx.emit(event);
  for (const d of dead) ctx.emit({ type: 'dead-lettered', source: 'local', letter: d.letter });
  if (retention.dropped.length > 0) ctx.emit({ type: 'dead-removed', source: 'local', ids: retention.dropped, reason: 'retention' });
}

/**
 * Applies a batch's outcomes: `done` deletes the entry; `dead` moves it to the dead-letter list;
 * `retry` rewrites it with `attempts + 1` and a backoff — unless a newer committed entry with the
 * same coalescing key arrived while it was in flight, which replaces it (it is deleted instead).
 * Resolves to the earliest time an entry is due again (`undefined` when none is retried).
 */
export async function applyOutcomes<T>(ctx: QueueContext<T>, batch: readonly QueueEntry<T>[], outcomes: readonly ResolvedOutcome[]): Promise<number | undefined> {
  const { clock, backoff, random } = ctx.options;
  const now = clock.now();
  const ops: DriverOp[] = [];
  const events: QueueEvent<T>[] = [];
  const dead: NewDeadLetter<T>[] = [];
  const succeeded: QueueEntry<T>[] = [];
  const gone: QueueEntry<T>[] = [];
  let due: number | undefined;
  batch.forEach((entry, i) => {
    const outcome = outcomes[i] ?? { status: 'retry', error: new StowageError('internal', 'queue: missing outcome') };
    const key = ctx.keys.pending + entry.id;
    if (outcome.status === 'retry') {
      const by = ctx.index.newerThan(entry);
      if (by !== undefined) {
        ops.push({ type: 'delete', key });
        gone.push(entry);
        events.push({ type: 'superseded', source: 'local', entry, by });
        return;
      }
      const delayMs = backoffDelay(entry.attempts, backoff, random);
      const { lastError: _previous, ...rest } = entry;
      const updated: QueueEntry<T> = { ...rest, attempts: entry.attempts + 1, nextAttemptAt: now + delayMs, ...(outcome.error ? { lastError: outcome.error } : {}) };
      ops.push({ type: 'put', key, value: toRecord(updated) });
      due = Math.min(due ?? Infinity, updated.nextAttemptAt);
      events.push({ type: 'retry-scheduled', source: 'local', entry: updated, delayMs, ...(outcome.error ? { error: outcome.error } : {}) });
      return;
    }
    ops.push({ type: 'delete', key });
    gone.push(entry);
    if (outcome.status === 'done') succeeded.push(entry);
    else dead.push(newDeadLetter(ctx, entry, outcome.error, now));
  });
  if (succeeded.length > 0) events.unshift({ type: 'succeeded', source: 'local', entries: succeeded });
  try {
    await commitChanges(ctx, ops, dead, events, gone);
  } catch (err) {
    throw toStowageError(err, 'queue: recording outcomes');
  }
  return due;
}
