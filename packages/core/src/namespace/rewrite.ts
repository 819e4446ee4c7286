import type { DriverOp } from '../driver.js';
import type { Change, KernelContext } from '../kernel/layer.js';
import { checkFailed, sameVersion } from '../kernel/records.js';
import type { StoredRecord } from '../record.js';
import { serializeValue } from '../serialize.js';
import type { ReencodeOptions } from '../storage-types.js';
import { checkDuration, checkOptions } from '../validate.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';

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
export async function rewrite(
  ctx: KernelContext,
  what: 'migrate' | 'reencode',
  match: (r: StoredRecord) => boolean,
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
      page = await ctx.exclusive(what, async (driver) => {
        const rows = await driver.entries(ctx.dp, { ...(after !== undefined ? { after } : {}), limit: batchSize });
        const before: DriverOp[] = [];
        const changes: Change[] = [];
        for (const [k, raw] of rows) {
          const key = k.slice(ctx.dp.length);
          const r = ctx.recordOf(key, raw);
          if (!match(r)) continue;
          before.push({ type: 'check', key: k, test: sameVersion(raw) });
          changes.push({ type: 'put', key, record: await transform(key, r) });
        }
        // Re-encoded ciphertexts go to the commit hooks (a sync outbox) in the same transaction.
        const hooked = what === 'reencode' ? changes.filter((c) => c.type === 'put' && ctx.entryInfo(c.key, c.record).encrypted) : [];
        if (changes.length > 0) await ctx.commit({ driver, origin: what, changes, before, after: [], hooked });
        return { last: rows.at(-1)?.[0], count: changes.length, full: rows.length === batchSize };
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

/** Re-encodes matching records with the current codecs (e.g. after a key rotation); resolves to how many. */
export async function reencode(storage: Storage, options?: ReencodeOptions): Promise<number> {
  const ctx = contextOf(storage);
  checkOptions(options, ['filter', 'batchSize', 'onProgress'], 'reencode');
  const filter = options?.filter ?? ((ids: readonly string[]) => ids.length > 0);
  return rewrite(ctx, 'reencode', (r) => r.codecs.length > 0 && filter(r.codecs, r), async (key, r) => {
    const value = await ctx.decode(key, r, undefined, { migrate: false });
    const next = await ctx.encode({ key, value: serializeValue(value, key), options: undefined, codecsOf: r, times: r });
    next.s = r.s;
    return next;
  }, options?.batchSize, options?.onProgress);
}
