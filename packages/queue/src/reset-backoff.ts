import type { DriverOp } from '@stowage/core';
import type { QueueContext } from './context.js';
import { isEntryRecord } from './record.js';
import type { EntryRecord } from './record.js';

/**
 * Makes every backed-off entry due now with attempts 0 (so the next failure waits `baseMs` again).
 * Must run under the flush lock: it rewrites whole records, and a concurrent flush could otherwise
 * see an entry it just deleted written back.
 */
export async function resetEntries<T>(ctx: QueueContext<T>): Promise<void> {
  const { driver, clock } = ctx.options;
  const now = clock.now();
  const ops: DriverOp[] = [];
  for (const [key, value] of await driver.entries(ctx.keys.pending)) {
    if (isEntryRecord(value) && (value.attempts > 0 || value.nextAttemptAt > now)) {
      ops.push({ type: 'put', key, value: { ...value, attempts: 0, nextAttemptAt: now } satisfies EntryRecord });
    }
  }
  if (ops.length > 0) await driver.batch(ops);
}
