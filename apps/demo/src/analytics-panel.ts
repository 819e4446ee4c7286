import type { Analytics } from 'stowage';
import { drawBars, drawLine } from './charts.js';
import { byTestId } from './dom.js';

const BUCKET_MS = 5_000;
const BUCKETS = 12;
const HIT_SAMPLES = 60;

/** The analytics dashboard; `render()` redraws it from the live analytics (the page calls it every second). */
export interface AnalyticsPanel {
  render(analytics: Analytics | undefined, now: number): void;
}

/**
 * Three charts from `@stowage/analytics`: operations over the last minute (5 s buckets from the
 * operation log), hot keys (`analyzeHotData`), and the read hit rate sampled once per render.
 */
export function mountAnalyticsPanel(root: HTMLElement): AnalyticsPanel {
  const hitRates: number[] = [];
  return {
    render(analytics, now) {
      const summary = byTestId('analytics-summary', root);
      if (!analytics) {
        summary.textContent = 'analytics disabled';
        return;
      }
      const stats = analytics.getStats();
      const start = now - BUCKET_MS * BUCKETS;
      const counts = new Array<number>(BUCKETS).fill(0);
      for (const e of analytics.getOperationHistory()) {
        if (e.at < start) break; // newest first: everything after is older
        counts[Math.min(BUCKETS - 1, Math.floor((e.at - start) / BUCKET_MS))]! += 1;
      }
      drawBars(
        byTestId<SVGSVGElement & HTMLElement>('chart-ops', root),
        counts.map((value, i) => ({ label: `-${(BUCKETS - i) * 5}s`, value, title: `${value} operations ${(BUCKETS - i) * 5}–${(BUCKETS - i - 1) * 5} s ago` })),
      );
      const hot = analytics.analyzeHotData();
      drawBars(
        byTestId<SVGSVGElement & HTMLElement>('chart-hot', root),
        hot.keys.slice(0, 8).map((k) => ({ label: k.key.length > 8 ? `${k.key.slice(0, 7)}…` : k.key, value: k.accesses, title: `${k.key}: ${k.reads} reads, ${k.writes} writes` })),
      );
      hitRates.push(stats.hitRate);
      if (hitRates.length > HIT_SAMPLES) hitRates.shift();
      drawLine(byTestId<SVGSVGElement & HTMLElement>('chart-hit-rate', root), hitRates);
      summary.textContent =
        `${stats.reads} reads (${(stats.hitRate * 100).toFixed(0)} % found) · ${stats.writes} writes · ${stats.deletes} deletes · ` +
        `${stats.remoteWrites} remote writes · ${stats.sync.pushedChanges} pushed · ${stats.sync.pulledDocs} pulled · ${stats.sync.conflicts} conflicts`;
      summary.dataset.reads = String(stats.reads);
      summary.dataset.writes = String(stats.writes);
      byTestId('hot-keys', root).textContent = hot.keys.map((k) => `${k.key} (${k.accesses})`).join(', ') || '—';
    },
  };
}
