import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { IndexLayer } from '../layers/index-layer.js';
import type { LimitsLayer } from '../layers/limits.js';
import { browserEstimate } from '../ports.js';
import type { EstimateFn } from '../ports.js';
import type { NamespaceSettings } from '../layers/settings.js';
import { isExpired } from '../record.js';
import type { EntryInfo, StorageInfo } from '../storage-types.js';
import { validateKey } from '../validate.js';

/**
 * Usage of a namespace in the mini-program's units (KB): live keys and their bytes from the key
 * index when the storage has one (else one read of the namespace), against the total limit.
 */
export async function storageInfo(storage: Storage): Promise<StorageInfo> {
  const ctx = contextOf(storage);
  const estimate: EstimateFn = ctx.layer<NamespaceSettings>('namespace')?.estimate ?? browserEstimate;
  return ctx.exclusive('info', async (d) => {
    const idx = ctx.layer<IndexLayer>('index');
    const limit = ctx.layer<LimitsLayer>('limits')?.maxTotalBytes ?? Infinity;
    const now = ctx.clock.now();
    let live: { keys: string[]; bytes: number };
    if (idx) {
      await idx.hydrate(d);
      live = idx.index.live(now);
    } else {
      live = { keys: [], bytes: 0 };
      for (const [k, raw] of await d.entries(ctx.dp)) {
        const r = ctx.recordOf(k.slice(ctx.dp.length), raw);
        if (isExpired(r, now)) continue;
        live.keys.push(k.slice(ctx.dp.length));
        live.bytes += r.size;
      }
    }
    const info: StorageInfo = {
      keys: live.keys.sort(),
      currentSize: Math.ceil(live.bytes / 1024),
      limitSize: Math.floor(limit / 1024),
      usage: live.bytes / limit,
      persistent: d.capabilities.persistent,
      driver: d.name,
    };
    const e = await estimate();
    if (e) info.estimate = e;
    return info;
  });
}

/** Metadata of a live key, or of every live key when called without one; values are not decoded. */
export function inspect(storage: Storage, key: string): Promise<EntryInfo | undefined>;
export function inspect(storage: Storage): Promise<EntryInfo[]>;
export async function inspect(storage: Storage, key?: string): Promise<EntryInfo | undefined | EntryInfo[]> {
  const ctx = contextOf(storage);
  if (key !== undefined) validateKey(key, ctx.maxKeyLength);
  return ctx.read('inspect', async (d) => {
    const now = ctx.clock.now();
    const rows: [string, unknown][] = key === undefined ? await d.entries(ctx.dp) : [[ctx.dp + key, await d.get(ctx.dp + key)]];
    const out: EntryInfo[] = [];
    for (const [k, raw] of rows) {
      if (raw === undefined) continue;
      const user = k.slice(ctx.dp.length);
      const r = ctx.recordOf(user, raw);
      if (!isExpired(r, now)) out.push(ctx.entryInfo(user, r));
    }
    return key === undefined ? out : out[0];
  });
}
