import type { GroupResult, MetricDef } from './types.js';
import { speedFactor } from './targets.js';

/**
 * The reference of each metric: the best figure among peers (cases not flagged `ours`), or among
 * all cases when a group has no peers. Figures are shown as a speed factor against it.
 */
export function bestPeerValues(group: GroupResult): Record<string, number | null> {
  const peers = group.results.some((r) => !r.ours) ? group.results.filter((r) => !r.ours) : group.results;
  return Object.fromEntries(
    group.metrics.map((m) => {
      const vs = peers.map((r) => r.values[m.key]).filter((v): v is number => typeof v === 'number' && v > 0);
      return [m.key, vs.length ? (m.better === 'lower' ? Math.min(...vs) : Math.max(...vs)) : null];
    }),
  );
}

/** `value` against the best peer: > 1 = better than every peer, 1 = the best peer itself. */
export function peerFactor(metric: MetricDef, value: number | null | undefined, best: number | null | undefined): number | null {
  if (typeof value !== 'number' || typeof best !== 'number' || value <= 0) return null;
  return speedFactor(metric, value, best);
}

/** Per metric of a group with both Stowage cases and peers: the best Stowage case against the best peer. */
export function oursVsBestPeer(group: GroupResult): { metric: MetricDef; factor: number; ours: string }[] {
  if (!group.results.some((r) => r.ours) || !group.results.some((r) => !r.ours)) return [];
  const best = bestPeerValues(group);
  return group.metrics.flatMap((m) => {
    const scored = group.results
      .filter((r) => r.ours)
      .map((r) => ({ ours: r.case, factor: peerFactor(m, r.values[m.key], best[m.key]) }))
      .filter((x): x is { ours: string; factor: number } => x.factor !== null);
    if (scored.length === 0) return [];
    const top = scored.reduce((a, b) => (b.factor > a.factor ? b : a));
    return [{ metric: m, ...top }];
  });
}
