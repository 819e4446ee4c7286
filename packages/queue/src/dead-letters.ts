import { StowageError, compareKeys } from '@stowage/core';
import type { Driver, DriverOp } from '@stowage/core';
import type { QueueContext } from './context.js';
import type { QueueKeys } from './keys.js';
import { isDeadRecord, toDeadLetter } from './record.js';
import type { DeadRecord, EntryRecord } from './record.js';
import type { DeadLetter } from './types.js';

/** Dead letters in the store, oldest death first; unreadable records are skipped. */
export async function readDeadLetters<T>(driver: Driver, keys: QueueKeys): Promise<{ letters: DeadLetter<T>[]; records: Map<string, DeadRecord> }> {
  const letters: DeadLetter<T>[] = [];
  const records = new Map<string, DeadRecord>();
  for (const [key, value] of await driver.entries(keys.dead)) {
    if (!isDeadRecord(value)) continue;
    const id = key.slice(keys.dead.length);
    records.set(id, value);
    letters.push(toDeadLetter<T>(id, value));
  }
  return { letters, records };
}

/** Throws `invalid-argument` unless `ids` is undefined or an array of strings. */
export function checkIds(ids: unknown, where: string): asserts ids is readonly string[] | undefined {
  if (ids === undefined) return;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new StowageError('invalid-argument', `${where}: ids must be an array of dead-letter ids`);
  }
}

/** What retention removes when `added` dead letters join the store. */
export interface RetentionPlan {
  /** Deletes of existing dead letters. */
  ops: DriverOp[];
  /** Every dead-letter id dropped, existing or new. */
  dropped: string[];
}

/**
 * Keeps at most `max` dead letters: the oldest deaths go first. Ids sort in death order, so new
 * letters normally survive; if more than `max` die at once only the newest `max` are kept.
 */
export async function planRetention(driver: Driver, keys: QueueKeys, added: readonly string[], max: number): Promise<RetentionPlan> {
  if (added.length === 0 || max === Infinity) return { ops: [], dropped: [] };
  const existing = (await driver.keys(keys.dead)).map((k) => k.slice(keys.dead.length));
  const all = [...new Set([...existing, ...added])].sort(compareKeys);
  const dropped = all.slice(0, Math.max(0, all.length - max));
  const existingSet = new Set(existing);
  const ops: DriverOp[] = dropped.filter((id) => existingSet.has(id)).map((id) => ({ type: 'delete', key: keys.dead + id }));
  return { ops, dropped };
}

/** Moves dead letters (all, or `ids`) back to the pending space under their original ids; returns the ids moved. */
export async function retryDeadLetters<T>(ctx: QueueContext<T>, ids: readonly string[] | undefined): Promise<string[]> {
  const { driver, clock } = ctx.options;
  const { keys, index } = ctx;
  const { records } = await readDeadLetters<T>(driver, keys);
  const chosen = [...new Set(ids ?? records.keys())].filter((id) => records.has(id));
  if (chosen.length === 0) return [];
  const now = clock.now();
  const ops: DriverOp[] = [];
  for (const id of chosen) {
    const r = records.get(id)!;
    // Back under its original id: it regains its place before later entries of its scope.
    ops.push({ type: 'put', key: keys.pending + r.entryId, value: { ...r.entry, attempts: 0, nextAttemptAt: now } satisfies EntryRecord });
    ops.push({ type: 'delete', key: keys.dead + id });
  }
  await driver.batch(ops);
  for (const id of chosen) {
    const r = records.get(id)!;
    index.note({ id: r.entryId, ...(r.entry.coalesceKey !== undefined ? { coalesceKey: r.entry.coalesceKey } : {}) });
  }
  ctx.emit({ type: 'dead-removed', source: 'local', ids: chosen, reason: 'retried' });
  return chosen;
}

/** Deletes dead letters (all, or `ids`); returns how many. */
export async function dropDeadLetters<T>(ctx: QueueContext<T>, ids: readonly string[] | undefined): Promise<number> {
  const { driver } = ctx.options;
  const { dead } = ctx.keys;
  const existing = new Set((await driver.keys(dead)).map((k) => k.slice(dead.length)));
  const chosen = ids === undefined ? [...existing] : [...new Set(ids)].filter((id) => existing.has(id));
  if (chosen.length === 0) return 0;
  await driver.batch(chosen.map((id) => ({ type: 'delete', key: dead + id })));
  ctx.emit({ type: 'dead-removed', source: 'local', ids: chosen, reason: 'dropped' });
  return chosen.length;
}
