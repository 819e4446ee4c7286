import type { Driver, DriverOp } from '../driver.js';
import { StowageError, toStowageError } from '../errors.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { Change, KernelContext } from '../kernel/layer.js';
import { checkFailed, sameVersion } from '../kernel/records.js';
import type { IndexLayer } from '../layers/index-layer.js';
import { recordOf } from '../envelope.js';
import { isExpired, isStoredRecord } from '../record.js';
import { checkOptions } from '../validate.js';

/** Options of {@link removeOlderThan}. */
export interface RemoveOlderThanOptions {
  /** Which age: since the key was first written, or since its last write. @default 'createdAt' */
  by?: 'createdAt' | 'updatedAt';
}

/** How often a cleanup another tab's writes interrupted reads the namespace again. */
const RETRIES = 3;

/**
 * Keys to delete: live records whose `by` time is before `cutoff`, still so when read now. The
 * index (when there is one) names candidates without reading every value. Foreign values (written
 * before Stowage) have no timestamps and are never removed.
 */
async function stale(ctx: KernelContext, d: Driver, by: 'createdAt' | 'updatedAt', cutoff: number): Promise<[string, unknown][]> {
  const now = ctx.clock.now();
  const old = (raw: unknown): boolean => isStoredRecord(raw) && !isExpired(raw, now) && recordOf('', raw)[by] < cutoff; // a v2 row may omit createdAt
  const idx = ctx.layer<IndexLayer>('index');
  if (!idx) return (await d.entries(ctx.dp)).filter(([, raw]) => old(raw)).map(([k, raw]) => [k.slice(ctx.dp.length), raw]);
  await idx.hydrate(d);
  const keys = idx.index.live(now).keys.filter((k) => (idx.index.get(k)?.[by] ?? 0) < cutoff);
  const current = await d.getMany(keys.map((k) => ctx.dp + k));
  return keys.map((k, i): [string, unknown] => [k, current[i]]).filter(([, raw]) => old(raw));
}

/**
 * Removes every key older than `ms` milliseconds — by creation time, or with `by: 'updatedAt'` by
 * its last write — in one commit, and resolves to how many. Each delete commits only while the
 * record is still the one judged old (another tab may have rewritten it meanwhile: then the
 * namespace is read again). These are removals like `remove()`: events say so, and a sync engine's
 * outbox sends them. Expired keys are left to the expiry sweep.
 *
 * @example
 * await removeOlderThan(storage, 30 * 24 * 3600_000); // what was created more than 30 days ago
 */
export async function removeOlderThan(storage: Storage, ms: number, options?: RemoveOlderThanOptions): Promise<number> {
  const ctx = contextOf(storage);
  try {
    checkOptions(options, ['by'], 'removeOlderThan');
    const by = options?.by ?? 'createdAt';
    if (by !== 'createdAt' && by !== 'updatedAt') throw new StowageError('invalid-argument', `removeOlderThan by must be 'createdAt' or 'updatedAt', got ${String(by)}`);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new StowageError('invalid-argument', `removeOlderThan needs an age in milliseconds (0 or more), got ${String(ms)}`);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await ctx.exclusive('removeOlderThan', async (d) => {
          const found = await stale(ctx, d, by, ctx.clock.now() - ms);
          if (found.length === 0) return 0;
          const changes: Change[] = found.map(([key]) => ({ type: 'delete', key, reason: 'removed' }));
          const before: DriverOp[] = found.map(([key, raw]) => ({ type: 'check', key: ctx.dp + key, test: sameVersion(raw) }));
          await ctx.commit({ driver: d, origin: 'local', changes, before, after: [] });
          return changes.length;
        });
      } catch (e) {
        if (!checkFailed(e) || attempt >= RETRIES) throw e; // else rewritten meanwhile: judge again
      }
    }
  } catch (e) {
    throw toStowageError(e, 'removeOlderThan');
  }
}
