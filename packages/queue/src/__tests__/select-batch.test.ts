import { memoryDriver } from '@stowage/core';
import type { DriverOp } from '@stowage/core';
import { describe, expect, test } from 'vitest';
import { queueKeys } from '../keys.js';
import type { EntryRecord } from '../record.js';
import { selectBatch } from '../select-batch.js';

const { pending } = queueKeys('sel');
const id = (n: number): string => String(n).padStart(6, '0');

function put(n: number, fields: Partial<EntryRecord> = {}): DriverOp {
  const value: EntryRecord = { v: 1, payload: n, enqueuedAt: 0, attempts: 0, nextAttemptAt: 0, ...fields };
  return { type: 'put', key: pending + id(n), value };
}

describe('selectBatch over several pages', () => {
  test('a backed-off entry blocks its scope on every later page; other entries fill the batch', async () => {
    const driver = memoryDriver();
    const ops = [put(0, { scope: 's', attempts: 1, nextAttemptAt: 500 })];
    for (let n = 1; n < 450; n++) ops.push(put(n, n % 3 === 0 ? { scope: 's' } : {}));
    await driver.batch(ops);
    const sel = await selectBatch<number>({ driver, prefix: pending, now: 100, batchSize: 250 });
    expect(sel.batch).toHaveLength(250);
    expect(sel.batch.some((e) => e.scope === 's')).toBe(false);
    expect(sel.batch.map((e) => e.payload)).toEqual(sel.batch.map((e) => e.payload).sort((a, b) => a - b));
    expect(sel.earliest).toBe(500);
  });

  test('an older entry of a key on an earlier page is superseded by a newer one on a later page unless taken', async () => {
    const driver = memoryDriver();
    const ops = [put(0, { coalesceKey: 'k', attempts: 2, nextAttemptAt: 9_999 }), put(1, { coalesceKey: 'taken' })];
    for (let n = 2; n < 250; n++) ops.push(put(n, { nextAttemptAt: 9_999 })); // backed off: the batch does not fill up
    ops.push(put(250, { coalesceKey: 'k' }), put(251, { coalesceKey: 'taken' }));
    await driver.batch(ops);
    // batchSize 100 reads pages of 200 entries, so 250 and 251 are on the second page.
    const sel = await selectBatch<number>({ driver, prefix: pending, now: 100, batchSize: 100 });
    expect(sel.superseded.map((s) => [s.entry.payload, s.by])).toEqual([[0, id(250)]]);
    const payloads = sel.batch.map((e) => e.payload);
    expect(payloads).toContain(250); // the newer value goes now, not after the stale one's backoff
    expect(payloads).toContain(1);
    expect(payloads).not.toContain(251); // waits: an older entry of its key is in this batch
    expect(payloads).toEqual([1, 250]);
  });

  test('stops reading once the batch is full', async () => {
    const driver = memoryDriver();
    await driver.batch(Array.from({ length: 1000 }, (_, n) => put(n)));
    let reads = 0;
    const counting = { ...driver, name: driver.name, scope: driver.scope, capabilities: driver.capabilities, entries: (p: string, o?: { after?: string; limit?: number }) => {
      reads++;
      return driver.entries(p, o);
    } };
    const sel = await selectBatch<number>({ driver: counting as typeof driver, prefix: pending, now: 0, batchSize: 10 });
    expect(sel.batch.map((e) => e.payload)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(reads).toBe(1);
  });
});
