import type { Analytics, AnalyticsStats } from 'stowage';
import { drawBars, drawPercentLine } from './charts.js';
import { byTestId, element } from './dom.js';

/** One entry of the operation log (`stowage` does not re-export `@stowage/analytics`'s type of it). */
type OperationLogEntry = ReturnType<Analytics['getOperationHistory']>[number];

const BUCKET_S = 5;
const BUCKETS = 12;

/** The analytics dashboard; `render()` redraws it from the live analytics (the page calls it every second). */
export interface AnalyticsPanel {
  render(analytics: Analytics | undefined, now: number): void;
}

/** Seconds-ago label of bucket `i` (its end); every third one is drawn, so they do not collide. */
const bucketLabel = (i: number): string => (i === BUCKETS - 1 ? 'now' : `−${(BUCKETS - 1 - i) * BUCKET_S}`);
const showLabel = (i: number): boolean => (BUCKETS - 1 - i) % 3 === 0;

/** The operation log in 5 s buckets over the last minute, oldest first. */
function buckets(history: readonly OperationLogEntry[], now: number): OperationLogEntry[][] {
  const start = now - BUCKET_S * 1000 * BUCKETS;
  const out = Array.from({ length: BUCKETS }, () => [] as OperationLogEntry[]);
  for (const e of history) {
    if (e.at < start) break; // newest first: everything after is older
    out[Math.min(BUCKETS - 1, Math.floor((e.at - start) / (BUCKET_S * 1000)))]!.push(e);
  }
  return out;
}

/**
 * The summary as labelled counts: each number says what it counts, so "0 changes from other tabs
 * or the cloud" beside "12 pushed to the cloud" reads as two directions, not a contradiction.
 */
function summaryRows(stats: AnalyticsStats): [label: string, value: string][] {
  const pct = `${(stats.hitRate * 100).toFixed(0)} %`;
  return [
    ['reads by this tab', `${stats.reads} (${pct} found a value)`],
    ['writes by this tab', String(stats.writes)],
    ['deletes by this tab', String(stats.deletes)],
    ['changes that came in from other tabs or the cloud', String(stats.remoteWrites + stats.remoteDeletes)],
    ["this tab's changes pushed to the cloud", String(stats.sync.pushedChanges)],
    ['documents pulled from the cloud', String(stats.sync.pulledDocs)],
    ['conflicts resolved', String(stats.sync.conflicts)],
  ];
}

/**
 * Three charts from `@stowage/analytics`: operations per 5 s over the last minute (operation log),
 * hot keys (`analyzeHotData`), and the read hit rate per 5 s (reads that found a value, from the
 * same log: a gap where there were no reads). Every bucket is placed by the clock, so the same
 * traffic always draws the same chart.
 */
export function mountAnalyticsPanel(root: HTMLElement): AnalyticsPanel {
  return {
    render(analytics, now) {
      const summary = byTestId('analytics-summary', root);
      if (!analytics) {
        summary.replaceChildren(element('dt', {}, 'analytics disabled'));
        return;
      }
      const stats = analytics.getStats();
      const slots = buckets(analytics.getOperationHistory(), now);
      drawBars(
        byTestId<SVGSVGElement & HTMLElement>('chart-ops', root),
        slots.map((ops, i) => ({
          label: bucketLabel(i),
          showLabel: showLabel(i),
          value: ops.length,
          title: `${ops.length} operations ${(BUCKETS - i) * BUCKET_S}–${(BUCKETS - 1 - i) * BUCKET_S} s ago`,
        })),
        { y: 'operations', x: 'seconds ago (one bar = 5 s)' },
      );
      const hot = analytics.analyzeHotData();
      drawBars(
        byTestId<SVGSVGElement & HTMLElement>('chart-hot', root),
        hot.keys.slice(0, 8).map((k) => ({ label: k.key.length > 7 ? `${k.key.slice(0, 6)}…` : k.key, value: k.accesses, title: `${k.key}: ${k.reads} reads, ${k.writes} writes` })),
        { y: 'reads + writes', x: 'key (most used first)' },
      );
      drawPercentLine(
        byTestId<SVGSVGElement & HTMLElement>('chart-hit-rate', root),
        slots.map((ops, i) => {
          const hits = ops.filter((e) => e.outcome === 'hit').length;
          const reads = hits + ops.filter((e) => e.outcome === 'miss').length;
          return { label: bucketLabel(i), showLabel: showLabel(i), value: reads === 0 ? null : hits / reads, title: `${hits} of ${reads} reads found a value` };
        }),
        { y: 'found, %', x: 'seconds ago (one point = 5 s)' },
      );
      summary.replaceChildren(
        ...summaryRows(stats).map(([label, value]) => {
          const row = element('div');
          row.append(element('dt', {}, label), element('dd', {}, value));
          return row;
        }),
      );
      summary.dataset.reads = String(stats.reads);
      summary.dataset.writes = String(stats.writes);
      byTestId('hot-keys', root).textContent = hot.keys.map((k) => `${k.key} (${k.accesses})`).join(', ') || '—';
    },
  };
}
