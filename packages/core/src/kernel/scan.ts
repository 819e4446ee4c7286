import { toStowageError } from '../errors.js';
import { isExpired } from '../record.js';
import type { ScanEntry } from '../storage-types.js';
import type { Layer } from './layer.js';
import { decodeChain, entryInfo, NONE } from './read-write-stages.js';
import { recordOf } from '../envelope.js';

/**
 * The live entries of one read of a namespace (`rows` of `[user key, raw]`, sorted by key, from
 * `RecordFormat.rows`), decoded through the layers. A record that cannot be decoded carries `error`, so one bad record never hides the others.
 */
export async function scanEntries<T>(layers: readonly Layer[], rows: Promise<[string, unknown][]>, now: number): Promise<ScanEntry<T>[]> {
  const out: ScanEntry<T>[] = [];
  const decoding: Promise<void>[] = [];
  for (const [key, raw] of await rows) {
    const r = recordOf(key, raw);
    if (isExpired(r, now)) continue;
    const entry: ScanEntry<T> = { key, info: entryInfo(layers, key, r) };
    out.push(entry);
    const v = decodeChain(layers, key, r, raw, {});
    // A record no layer needs to decode holds its value as stored: no promise per entry.
    if (!(v instanceof Promise)) entry.value = v as T;
    else {
      decoding.push(v.then(
        (value) => {
          if (value !== NONE) entry.value = value as T;
        },
        (e: unknown) => {
          entry.error = toStowageError(e, `read "${key}"`);
        },
      ));
    }
  }
  await Promise.all(decoding);
  return decoding.length > 0 ? out.filter((e) => 'value' in e || e.error) : out; // expired while decoding
}
