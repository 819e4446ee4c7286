import type { DriverOp } from './driver.js';
import type { KeyMeta } from './key-index.js';
import { isStoredRecord } from './record.js';
import type { StoredRecord } from './record.js';
import { serializeValue } from './serialize.js';
import { adopt, metaOf } from './storage-context.js';
import type { StorageContext } from './storage-context.js';
import type { ReencodeOptions } from './storage-types.js';
import { checkDuration, checkOptions } from './validate.js';

/**
 * Rewrites matching records page by page, each page in its own exclusive step and transaction, so
 * writes are never lost and every record stays readable (old and new codecs both decode)
 * throughout. Rewrites are not logical changes: they keep timestamps and run no commit hooks.
 */
async function rewrite(
  ctx: StorageContext,
  what: string,
  match: (r: StoredRecord, foreign: boolean) => boolean,
  transform: (key: string, r: StoredRecord) => Promise<StoredRecord>,
  batchSize = 100,
  onProgress?: (done: number) => void,
): Promise<number> {
  checkDuration(batchSize, 'batchSize');
  let after: string | undefined;
  let done = 0;
  for (;;) {
    const page = await ctx.exclusive(what, async (d) => {
      const rows = await d.entries(ctx.dp, { ...(after !== undefined ? { after } : {}), limit: batchSize });
      const ops: DriverOp[] = [];
      const metas: [string, KeyMeta][] = [];
      for (const [k, raw] of rows) {
        const key = k.slice(ctx.dp.length);
        const foreign = !isStoredRecord(raw);
        const r = foreign ? adopt(key, raw) : raw;
        if (!match(r, foreign)) continue;
        const next = await transform(key, r);
        ops.push({ type: 'put', key: k, value: next });
        metas.push([key, metaOf(next)]);
      }
      if (ops.length > 0) await d.batch(ops);
      await ctx.hydrate(d);
      for (const [key, meta] of metas) ctx.index.set(key, meta);
      return { last: rows.at(-1)?.[0], count: ops.length, full: rows.length === batchSize };
    });
    done += page.count;
    if (page.count > 0) onProgress?.(done);
    if (!page.full || page.last === undefined) return done;
    after = page.last;
  }
}

/** Upgrades every record to the current envelope and schema; resolves to how many changed. */
export function migrate(ctx: StorageContext): Promise<number> {
  return rewrite(ctx, 'migrate', (r, foreign) => foreign || r.s < ctx.schema, async (key, r) => {
    const value = await ctx.migrateValue(key, await ctx.pipeline.decode(r, key), r.s);
    return ctx.record(key, serializeValue(value, key), undefined, ctx.intent(undefined, r), r);
  });
}

/** Re-encodes matching records with the current codecs (e.g. after a key rotation). */
export function reencode(ctx: StorageContext, options?: ReencodeOptions): Promise<number> {
  checkOptions(options, ['filter', 'batchSize', 'onProgress'], 'reencode');
  const filter = options?.filter ?? ((ids: readonly string[]) => ids.length > 0);
  return rewrite(ctx, 'reencode', (r) => r.codecs.length > 0 && filter(r.codecs, r), async (key, r) => {
    const value = await ctx.pipeline.decode(r, key);
    const next = await ctx.record(key, serializeValue(value, key), undefined, ctx.intent(undefined, r), r);
    next.s = r.s;
    return next;
  }, options?.batchSize, options?.onProgress);
}
