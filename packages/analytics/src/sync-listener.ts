import { toStowageError } from '@stowage/core';
import type { LatencyHistogram } from './latency-histogram.js';
import type { StatsStore } from './stats-store.js';
import type { SyncAnalyticsEvent } from './sources.js';

/** Most distinct unknown event types counted; later ones share one bucket, so memory stays bounded. */
const MAX_OTHER_TYPES = 32;
const TYPE_NAME = /^[A-Za-z][\w:.-]{0,63}$/;

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
/** Changes in a round: `count`, else how many `keys`, else one. */
const count = (e: { count?: unknown; keys?: unknown }): number => (isCount(e.count) ? e.count : Array.isArray(e.keys) ? e.keys.length : 1);

/**
 * Turns sync events into counts (see `SyncAnalyticsEvent`); durations given with `pushed`/`pulled`
 * feed the `sync:push` / `sync:pull` latency histograms. Events that are not `{ type: string }` are
 * counted as `(invalid)` rather than thrown back into the sync engine.
 */
export function syncListener(
  store: StatsStore,
  now: () => number,
  histogram: (op: string) => LatencyHistogram,
): (event: { readonly type: string }) => void {
  return (event) => {
    const d = store.delta;
    const e = event as SyncAnalyticsEvent;
    switch (typeof e === 'object' && e !== null ? e.type : undefined) {
      case 'pushed': {
        const p = e as Extract<SyncAnalyticsEvent, { type: 'pushed' }>;
        d.sync.pushes++;
        d.sync.pushedChanges += count(p);
        timed(histogram, 'sync:push', p.durationMs);
        break;
      }
      case 'pulled': {
        const p = e as Extract<SyncAnalyticsEvent, { type: 'pulled' }>;
        d.sync.pulls++;
        d.sync.pulledDocs += count(p);
        timed(histogram, 'sync:pull', p.durationMs);
        break;
      }
      case 'conflict':
        d.sync.conflicts++;
        break;
      case 'error':
        d.sync.errors++;
        d.countError(toStowageError((e as Extract<SyncAnalyticsEvent, { type: 'error' }>).error, 'sync').code);
        break;
      default: {
        const type = (e as { type?: unknown } | null)?.type;
        const other = d.sync.other;
        const name = typeof type !== 'string' || !TYPE_NAME.test(type) ? '(invalid)' : type in other || Object.keys(other).length < MAX_OTHER_TYPES ? type : '(more)';
        other[name] = (other[name] ?? 0) + 1;
      }
    }
    if (d.since === undefined) d.since = now();
    store.changed();
  };
}

function timed(histogram: (op: string) => LatencyHistogram, op: string, ms: unknown): void {
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) histogram(op).record(ms, false);
}
