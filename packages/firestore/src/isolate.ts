import { StowageError } from '@stowage/core';

/**
 * Codes that refuse a whole commit because of one item in it — a document the rules forbid, an
 * argument the server refuses. The commit applied nothing, so the items are retried one by one to
 * find the culprits, which become per-item outcomes while the others still apply (in order).
 */
const PER_ITEM: ReadonlySet<StowageError['code']> = new Set(['permission-denied', 'invalid-argument']);

/**
 * Runs `run(items)`; when it fails with a per-item code, runs each item alone and turns the same
 * failure into `rejected(item, error)`. Transport errors still reject the whole call.
 */
export async function isolate<I, O>(items: readonly I[], run: (items: readonly I[]) => Promise<O[]>, rejected: (item: I, error: StowageError) => O): Promise<O[]> {
  try {
    return await run(items);
  } catch (err) {
    if (!(err instanceof StowageError) || !PER_ITEM.has(err.code)) throw err;
    if (items.length === 1) return [rejected(items[0]!, err)];
  }
  const out: O[] = [];
  for (const item of items) out.push(...(await isolate([item], run, rejected)));
  return out;
}
