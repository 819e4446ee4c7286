import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { DecodeOptions } from '../kernel/layer.js';
import { isExpired } from '../record.js';
import type { StoredRecord } from '../record.js';
import { validateKey } from '../validate.js';

/** One key as {@link readRecords} found it. */
export interface RecordRead {
  /** The raw stored record (a foreign value wrapped as schema 0). */
  readonly record: StoredRecord;
  /** Whether its value is encrypted (the codecs layer says so): its bytes travel as they are. */
  readonly encrypted: boolean;
  /** Whether it has expired at the storage clock's now (it reads as absent). */
  readonly expired: boolean;
  /**
   * Its value, decoded through the layers from the record already read (no second read): older
   * schemas migrate on the way, as in `get` (`{ migrate: false }`: as stored, e.g. a record of a
   * newer schema than this storage's, which `get` refuses). Rejects like `get` when it cannot be decoded.
   */
  value(options?: DecodeOptions): Promise<unknown>;
}

/**
 * The records of `keys` in one read, with what a sync engine needs to know of each: raw record,
 * whether it is encrypted or expired, and its value on demand. `undefined` where a key is absent.
 * A push or a pulled page reads each key once this way (not a record read, an inspect and a get
 * in a row per key).
 */
export async function readRecords(storage: Storage, keys: readonly string[]): Promise<(RecordRead | undefined)[]> {
  const ctx = contextOf(storage);
  for (const k of keys) validateKey(k, ctx.maxKeyLength);
  if (keys.length === 0) return [];
  return ctx.read('readRecords', async (d) => {
    const raws = await d.getMany(keys.map((k) => ctx.dp + k));
    const now = ctx.clock.now();
    return raws.map((raw, i): RecordRead | undefined => {
      if (raw === undefined) return undefined;
      const key = keys[i] as string;
      const record = ctx.recordOf(key, raw);
      return {
        record,
        encrypted: record.codecs.length > 0 && ctx.entryInfo(key, record).encrypted,
        expired: isExpired(record, now),
        value: (options) => ctx.decode(key, record, raw, options),
      };
    });
  }, undefined, keys);
}
