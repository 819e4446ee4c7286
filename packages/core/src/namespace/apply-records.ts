import type { DriverOp } from '../driver.js';
import { StowageError, toStowageError } from '../errors.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { Change } from '../kernel/layer.js';
import { checkFailed } from '../kernel/records.js';
import { recordOf } from '../envelope.js';
import { isStoredRecord } from '../record.js';
import type { StoredRecord } from '../record.js';
import { RESERVED } from '../reserved-keys.js';
import { serializeValue } from '../serialize.js';
import type { ApplyRecordItem, CommitOrigin, SetOptions } from '../storage-types.js';
import { checkOptions, checkSchema, validateKey } from '../validate.js';

/** Options of {@link applyRecords}. */
export interface ApplyRecordsOptions {
  /** How events and hooks see the write. @default 'sync' */
  origin?: CommitOrigin;
  /**
   * Ops in the reserved key space (`\u0000…` keys only) to commit in the same transaction, e.g. the
   * pull checkpoint that covers these items: both commit or neither. A function is asked inside the
   * write, with the keys about to be written (the stale ones left out), e.g. for a status that counts them.
   */
  after?: readonly DriverOp[] | ((keys: readonly string[]) => readonly DriverOp[] | Promise<readonly DriverOp[]>);
}

function tagged(change: Change, item: ApplyRecordItem): Change {
  if (item.tag !== undefined) change.tag = item.tag;
  return change;
}

function reservedOps(ops: readonly DriverOp[] | undefined): readonly DriverOp[] {
  if (ops === undefined) return [];
  if (!Array.isArray(ops) || !ops.every((op) => typeof op?.key === 'string' && op.key.startsWith(RESERVED))) {
    throw new StowageError('invalid-argument', 'applyRecords: `after` must be an array of ops on reserved (\\u0000…) keys');
  }
  return ops;
}

/** How often an apply whose expectations another tab broke meanwhile is decided again. */
const RETRIES = 3;

/** The raw stored record of a key (expired ones included), for sync engines. */
export async function getRecord(storage: Storage, key: string): Promise<StoredRecord | undefined> {
  const ctx = contextOf(storage);
  validateKey(key, ctx.maxKeyLength);
  return ctx.read('getRecord', async (d) => {
    const raw = await d.get(ctx.dp + key);
    return raw === undefined ? undefined : ctx.recordOf(key, raw);
  }, key);
}

/**
 * Writes items atomically — raw records as they are (ciphertext stays ciphertext), plain values
 * encoded by the storage's layers, deletions — skipping items whose `expectUpdatedAt` no longer
 * matches (checked again inside the committing transaction). Events report them as `remote`
 * unless `origin: 'local'`. Resolves to the keys written.
 */
export async function applyRecords(storage: Storage, items: readonly ApplyRecordItem[], options?: ApplyRecordsOptions): Promise<string[]> {
  const ctx = contextOf(storage);
  try {
    if (ctx.closed) throw new StowageError('closed', `storage "${ctx.prefix}" is closed`);
    if (!Array.isArray(items)) throw new StowageError('invalid-argument', 'applyRecords expects an array');
    checkOptions(options, ['origin', 'after'], 'applyRecords');
    const origin = options?.origin ?? 'sync';
    const after = options?.after;
    if (after !== undefined && typeof after !== 'function') reservedOps(after); // refused before anything is written
    // Validate everything before the exclusive step: a bad item fails the whole call.
    const encode = items.map((it, i): (() => Promise<Change>) => {
      validateKey(it?.key, ctx.maxKeyLength);
      if ('record' in it && it.record !== undefined) {
        if (!isStoredRecord(it.record)) {
          throw new StowageError('invalid-argument', `applyRecords item ${i} ("${it.key}") is not a stored record`, { details: { index: i, key: it.key } });
        }
        const record = recordOf(it.key, it.record); // a v2 row is accepted too, as its record
        return async () => tagged({ type: 'put', key: it.key, record: { ...record } }, it);
      }
      if ('value' in it && it.value !== undefined) {
        const o: SetOptions = it.expiresAt === undefined ? { ttl: null } : { expiresAt: it.expiresAt };
        const put = { key: it.key, value: serializeValue(it.value, it.key), options: o };
        const schema = it.schema ?? undefined;
        if (schema !== undefined) checkSchema(schema, 'schema');
        return () =>
          ctx.encode(put).then((record): Change => {
            if (schema !== undefined) record.s = schema; // the same object: its commit check is keyed by it
            return tagged({ type: 'put', key: it.key, record }, it);
          });
      }
      return async () => tagged({ type: 'delete', key: it.key, reason: 'removed' }, it);
    });
    const guarded = items.filter((it) => it.expectUpdatedAt !== undefined);
    const at = (raw: unknown): number | null => (raw === undefined ? null : isStoredRecord(raw) ? raw.updatedAt : 0);
    const attempt = async (n: number): Promise<string[]> => {
      const all = await Promise.all(encode.map((e) => e()));
      try {
        return await ctx.exclusive('applyRecords', async (driver) => {
          const current = guarded.length > 0 ? await driver.getMany(guarded.map((it) => ctx.dp + it.key)) : [];
          const stale = new Set<string>();
          guarded.forEach((it, i) => {
            if (at(current[i]) !== it.expectUpdatedAt) stale.add(it.key);
          });
          const changes = all.filter((c) => !stale.has(c.key));
          // The expectations hold in the committing transaction too, not only when read above.
          const before: DriverOp[] = guarded.filter((it) => !stale.has(it.key)).map((it) => ({ type: 'check', key: ctx.dp + it.key, test: (v) => at(v) === it.expectUpdatedAt }));
          const keys = changes.map((c) => c.key);
          // The extra ops commit even when every item was stale: they describe the call, not its items.
          const extra = reservedOps(typeof after === 'function' ? await after(keys) : after);
          if (changes.length > 0 || extra.length > 0) await ctx.commit({ driver, origin, changes, before, after: [...extra] });
          return keys;
        });
      } catch (e) {
        if (checkFailed(e) && n < RETRIES) return attempt(n + 1); // another tab wrote meanwhile: decide again
        throw e;
      }
    };
    return attempt(0);
  } catch (e) {
    return Promise.reject(toStowageError(e, 'applyRecords'));
  }
}
