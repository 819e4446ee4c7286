import type { Driver } from './driver.js';
import { StowageError } from './errors.js';
import { isExpired, isStoredRecord } from './record.js';
import type { StoredRecord } from './record.js';
import { adopt } from './storage-context.js';
import type { Change, CommitOrigin, StorageContext } from './storage-context.js';
import type { ApplyRecordItem, EntryInfo, SetOptions } from './storage-types.js';
import { checkOptions, validateKey } from './validate.js';

// The storage's administrative operations: metadata, expiry sweeps and raw-record access
// for the sync engine. None of them is on the read/write path of an app, so they are loaded on
// first use (a lazy chunk in app bundles), like backup and rewrite.

/** `inspect(key?)`: metadata of one live entry, or of all of them. */
export async function inspect(ctx: StorageContext, key?: string): Promise<EntryInfo | undefined | EntryInfo[]> {
  return ctx.read('inspect', async (d) => {
    const now = ctx.clock.now();
    const rows: [string, unknown][] = key === undefined ? await d.entries(ctx.dp) : [[ctx.dp + key, await d.get(ctx.dp + key)]];
    const out: EntryInfo[] = [];
    for (const [k, raw] of rows) {
      if (raw === undefined) continue;
      const user = k.slice(ctx.dp.length);
      const r = isStoredRecord(raw) ? raw : adopt(user, raw);
      if (!isExpired(r, now)) out.push(ctx.entryInfo(user, r));
    }
    return key === undefined ? out : out[0];
  });
}

/** Deletes expired records that are still the ones the index saw (another tab may have rewritten them). */
export async function sweepExpired(ctx: StorageContext, d: Driver): Promise<number> {
  await ctx.hydrate(d);
  const expired = ctx.index.expired(ctx.clock.now());
  if (expired.length === 0) return 0;
  const current = await d.getMany(expired.map(([k]) => ctx.dp + k));
  const now = ctx.clock.now();
  const changes: Change[] = [];
  expired.forEach(([key], i) => {
    const raw = current[i];
    if (raw === undefined) ctx.index.delete(key);
    else if (isStoredRecord(raw) && isExpired(raw, now)) changes.push({ type: 'delete', key, reason: 'expired' });
  });
  if (changes.length === 0) return 0;
  await ctx.write(d, changes, 'local');
  return changes.length;
}

/** `getRecord(key)`: the raw record as stored (a foreign value adopted as a schema-0 record). */
export function getRecord(ctx: StorageContext, key: string): Promise<StoredRecord | undefined> {
  return ctx.read('getRecord', async (d) => {
    const raw = await d.get(ctx.dp + key);
    return raw === undefined ? undefined : isStoredRecord(raw) ? raw : adopt(key, raw);
  });
}

/**
 * `applyRecords(items)`: writes records or values that came from elsewhere (the sync engine's
 * pulls), guarded per item by `expectUpdatedAt`, in one transaction. Returns the keys written.
 */
export async function applyRecords(ctx: StorageContext, items: readonly ApplyRecordItem[], options?: { origin?: CommitOrigin }): Promise<string[]> {
  if (!Array.isArray(items)) throw new StowageError('invalid-argument', 'applyRecords expects an array');
  checkOptions(options, ['origin'], 'applyRecords');
  const origin = options?.origin ?? 'sync';
  // Validate and encode everything before the exclusive step: a bad item fails the whole call.
  const built = items.map((it, i): Promise<Change> => {
    validateKey(it?.key, ctx.maxKeyLength);
    if ('record' in it && it.record !== undefined) {
      if (!isStoredRecord(it.record)) {
        throw new StowageError('invalid-argument', `applyRecords item ${i} ("${it.key}") is not a stored record`, { details: { index: i, key: it.key } });
      }
      return Promise.resolve({ type: 'put', key: it.key, record: { ...it.record } });
    }
    if ('value' in it && it.value !== undefined) {
      const o: SetOptions = it.expiresAt === undefined ? { ttl: null } : { expiresAt: it.expiresAt };
      const s = ctx.checkSet(it.key, it.value, o);
      return ctx.record(it.key, s, o, ctx.intent(undefined)).then((record) => ({ type: 'put', key: it.key, record }));
    }
    return Promise.resolve({ type: 'delete', key: it.key, reason: 'removed' });
  });
  const all = await Promise.all(built);
  return ctx.exclusive('applyRecords', async (d) => {
    await ctx.hydrate(d);
    const guarded = items.filter((it) => it.expectUpdatedAt !== undefined);
    const current = guarded.length > 0 ? await d.getMany(guarded.map((it) => ctx.dp + it.key)) : [];
    const stale = new Set<string>();
    guarded.forEach((it, i) => {
      const raw = current[i];
      const at = raw === undefined ? null : isStoredRecord(raw) ? raw.updatedAt : 0;
      if (at !== it.expectUpdatedAt) stale.add(it.key);
    });
    const changes = all.filter((c) => !stale.has(c.key));
    if (!ctx.fits(changes)) throw new StowageError('quota-exceeded', `applying would exceed the size limit of "${ctx.prefix}"`);
    if (changes.length > 0) await ctx.write(d, changes, origin);
    return changes.map((c) => c.key);
  });
}
