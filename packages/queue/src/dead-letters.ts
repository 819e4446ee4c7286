import { StowageError, compareKeys } from '@stowage/core';
import type { Driver, DriverOp } from '@stowage/core';
import type { QueueKeys } from './keys.js';
import { isDeadRecord, toDeadLetter } from './record.js';
import type { DeadRecord } from './record.js';
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
