import type { StorageEvent } from '@stowage/core';
import type { StatsStore } from './stats-store.js';

/**
 * Turns a storage's change events into counts: writes and deletes of this tab (per key, so batches,
 * `setMany` and imports count every key), those of other tabs and sync engines, expiries, clears,
 * imports, fallbacks and background errors. Local writes are also accesses for the hot-key table;
 * every write tells a key's size. `skipKey` is the analytics' own persisted key, so persisting the
 * stats never counts as (or triggers) activity.
 */
export function storageListener(
  store: StatsStore,
  now: () => number,
  skipKey: string | undefined,
): (e: StorageEvent) => void {
  return (e) => {
    const d = store.delta;
    switch (e.type) {
      case 'set':
        if (e.key === skipKey) return;
        if (e.source === 'local') {
          d.counters.writes++;
          d.counters.bytesWritten += e.size;
          d.hot.touch(e.key, true, e.size);
        } else {
          d.counters.remoteWrites++;
          d.hot.noteSize(e.key, e.size);
        }
        break;
      case 'remove':
        if (e.key === skipKey) return;
        if (e.reason === 'expired') d.counters.expirations++;
        else if (e.source === 'local') d.counters.deletes++;
        else d.counters.remoteDeletes++;
        break;
      case 'clear':
        d.counters.clears++;
        break;
      case 'import':
        d.counters.imports++;
        break;
      case 'fallback':
        d.counters.fallbacks++;
        break;
      case 'error':
        d.countError(e.error.code);
        break;
      default:
        return;
    }
    if (d.since === undefined) d.since = now();
    store.changed();
  };
}
