import type { Driver, DriverOp } from '../driver.js';
import type { Change, KernelContext } from '../kernel/layer.js';
import { checkFailed } from '../kernel/records.js';
import { isExpired, isStoredRecord } from '../record.js';
import type { IndexLayer } from './index-layer.js';

/**
 * Checks that make deletes of expired records delete nothing another tab has rewritten since
 * (and announce nothing for a key another tab removed meanwhile).
 */
export function stillExpired(dp: string, deletes: readonly Change[], now: number): DriverOp[] {
  return deletes.map((c) => ({ type: 'check', key: dp + c.key, test: (v) => isStoredRecord(v) && isExpired(v, now) }));
}

/**
 * Deletes expired records that are still the ones seen (another tab may have rewritten them), in
 * one commit; resolves to how many. Candidates come from the key index when there is one, else
 * from one read of the namespace. The caller holds the write lane.
 */
export async function sweepExpired(ctx: KernelContext, d: Driver, idx: IndexLayer | undefined): Promise<number> {
  let candidates: string[];
  if (idx) {
    await idx.hydrate(d);
    candidates = idx.index.expired(ctx.clock.now()).map(([k]) => k);
  } else {
    const at = ctx.clock.now();
    candidates = (await d.entries(ctx.dp)).filter(([, raw]) => isStoredRecord(raw) && isExpired(raw, at)).map(([k]) => k.slice(ctx.dp.length));
  }
  if (candidates.length === 0) return 0;
  const current = await d.getMany(candidates.map((k) => ctx.dp + k));
  const now = ctx.clock.now();
  const changes: Change[] = [];
  candidates.forEach((key, i) => {
    const raw = current[i];
    if (raw === undefined) idx?.index.delete(key);
    else if (isStoredRecord(raw) && isExpired(raw, now)) changes.push({ type: 'delete', key, reason: 'expired' });
  });
  if (changes.length === 0) return 0;
  try {
    await ctx.commit({ driver: d, origin: 'local', changes, before: stillExpired(ctx.dp, changes, now), after: [] });
  } catch (e) {
    if (checkFailed(e)) return 0; // another tab rewrote one of them meanwhile: sweep again later
    throw e;
  }
  return changes.length;
}
