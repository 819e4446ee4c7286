import type { DriverOp } from './driver.js';
import type { KeyMeta } from './key-index.js';
import { isStoredRecord } from './record.js';
import type { StoredRecord } from './record.js';
import type { CommitChange } from './storage-types.js';
import { serializeValue } from './serialize.js';
import { adopt, checkFailed, metaOf, sameVersion } from './storage-context.js';
import type { StorageContext } from './storage-context.js';
import type { ReencodeOptions } from './storage-types.js';
import { checkDuration, checkOptions } from './validate.js';

/** How often a page is read and rewritten again after another tab wrote into it meanwhile. */
const PAGE_RETRIES = 5;

/**
 * Rewrites matching records page by page, each page in its own exclusive step and transaction, so
 * writes are never lost and every record stays readable (old and new codecs both decode)
 * throughout. Each rewrite commits only if the record is still the version that was read (another
 * tab may have written it meanwhile) and, for encrypted records, only if the key is still current;
 * otherwise the page is read and rewritten again. Rewrites are not logical changes: they keep
 * timestamps and emit no change events; commit hooks see only re-encoded encrypted records (origin
 * `'reencode'`), whose new ciphertext a sync engine must push.
 */
async function rewrite(
  ctx: StorageContext,
  what: 'migrate' | 'reencode',
  match: (r: StoredRecord, foreign: boolean) => boolean,
  transform: (key: string, r: StoredRecord) => Promise<StoredRecord>,
  batchSize = 100,
  onProgress?: (done: number) => void,
): Promise<number> {
  checkDuration(batchSize, 'batchSize');
  let after: string | undefined;
  let done = 0;
  for (let retries = 0; ;) {
    let page: { last: string | undefined; count: number; full: boolean };
    try {
      page = await ctx.exclusive(what, async (d) => {
        const rows = await d.entries(ctx.dp, { ...(after !== undefined ? { after } : {}), limit: batchSize });
        const checks: DriverOp[] = [];
        const ops: DriverOp[] = [];
        const written: StoredRecord[] = [];
        const metas: [string, KeyMeta][] = [];
        const hooked: CommitChange[] = [];
        for (const [k, raw] of rows) {
          const key = k.slice(ctx.dp.length);
          const foreign = !isStoredRecord(raw);
          const r = foreign ? adopt(key, raw) : raw;
          if (!match(r, foreign)) continue;
          const next = await transform(key, r);
          checks.push({ type: 'check', key: k, test: sameVersion(raw) });
          ops.push({ type: 'put', key: k, value: next });
          written.push(next);
          metas.push([key, metaOf(next)]);
          if (what === 'reencode' && ctx.pipeline.isEncrypted(next.codecs)) hooked.push({ type: 'put', key, record: next });
        }
        // Re-encoded ciphertexts go to the commit hooks (a sync outbox) in the same transaction.
        const hooks = await ctx.hooks(hooked, 'reencode');
        if (ops.length > 0) await ctx.batch(d, [...checks, ...ops, ...hooks.ops], written);
        hooks.committed();
        await ctx.hydrate(d);
        for (const [key, meta] of metas) ctx.index.set(key, meta);
        return { last: rows.at(-1)?.[0], count: ops.length, full: rows.length === batchSize };
      });
    } catch (e) {
      if (checkFailed(e) && retries < PAGE_RETRIES) {
        retries++;
        continue;
      }
      throw e;
    }
    retries = 0;
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
