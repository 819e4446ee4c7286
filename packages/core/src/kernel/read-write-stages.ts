import { StowageError } from '../errors.js';
import type { Clock } from '../ports.js';
import { ENVELOPE_VERSION, isExpired } from '../record.js';
import type { StoredRecord } from '../record.js';
import { utf8Length } from '../serialize.js';
import type { EntryInfo } from '../storage-types.js';
import type { DecodeOptions, Layer, Put } from './layer.js';
import { recordOf } from '../envelope.js';

/** What a read returns for an absent or expired key. */
export const NONE = Symbol('none');

/** The value stored under `key` (`raw`, as the driver read it) at `now`; `NONE` when absent or expired. */
export function valueOf(layers: readonly Layer[], key: string, raw: unknown, now: number): unknown {
  if (raw === undefined) return NONE;
  const record = recordOf(key, raw);
  if (isExpired(record, now)) {
    for (const l of layers) l.expired?.(key, raw, now);
    return NONE;
  }
  return decodeChain(layers, key, record, raw, {});
}

/** Builds the record of a put: the envelope, then every layer's prepare stage in order. */
export async function encodeRecord(layers: readonly Layer[], clock: Clock, put: Put): Promise<StoredRecord> {
  const now = clock.now();
  const t = put.times;
  const r: StoredRecord = {
    v: ENVELOPE_VERSION, s: 1, codecs: [], createdAt: t?.createdAt ?? now, updatedAt: t?.updatedAt ?? now,
    size: utf8Length(put.key) + put.value.bytes, rawSize: put.value.bytes,
  };
  if (t?.expiresAt !== undefined) r.expiresAt = t.expiresAt;
  for (const l of layers) if (l.prepare) await l.prepare(put, r);
  // The parsed snapshot is read only for records stored unencoded (an encoding layer set `data`).
  if (r.codecs.length === 0) r.value = put.value.value;
  return r;
}

/**
 * The value of a record through every layer's decode stage (outer first). Synchronous when no
 * layer needs to see the record: a plain current record holds its value as stored.
 */
export function decodeChain(layers: readonly Layer[], key: string, r: StoredRecord, raw: unknown, options: DecodeOptions): unknown {
  if (r.codecs.length === 0 && !layers.some((l) => l.needsDecode?.(r))) return r.value;
  const run = (i: number): Promise<unknown> => {
    for (; i < layers.length; i++) {
      const l = layers[i] as Layer;
      if (l.decode) return l.decode(key, r, raw, () => run(i + 1), options);
    }
    if (r.codecs.length === 0) return Promise.resolve(r.value);
    return Promise.reject(new StowageError('decode-failed', `record "${key}" was written with codec "${r.codecs.at(-1)}", which this storage does not have`, {
      details: { key, codec: r.codecs.at(-1), reason: 'unknown-codec' },
    }));
  };
  return run(0);
}

/** Metadata of a record without decoding it; layers fill in what they know (e.g. compressed). */
export function entryInfo(layers: readonly Layer[], key: string, r: StoredRecord): EntryInfo {
  const plain = r.codecs.length === 0; // the common case: no lookups, no copies
  const info: EntryInfo = {
    key, size: r.size, rawSize: r.rawSize, codecs: plain ? [] : [...r.codecs], createdAt: r.createdAt, updatedAt: r.updatedAt, schema: r.s,
    compressed: false, encrypted: !plain, // a codec nobody here knows is opaque: treated as encrypted
  };
  if (!plain) for (const l of layers) l.describe?.(r, info);
  if (r.expiresAt !== undefined) info.expiresAt = r.expiresAt;
  return info;
}
