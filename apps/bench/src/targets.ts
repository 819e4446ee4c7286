import type { BenchReport, GroupResult, MetricDef } from './types.js';

/** A performance target (issues 7 and 21): Stowage's figure against a peer's, in the same run. */
export interface Target {
  id: string;
  /** What is promised, in words. */
  label: string;
  group: string;
  metric: string;
  /** Stowage's case name. */
  ours: string;
  /** Peer case names; the best of them is the reference. */
  peers: readonly string[];
  /** Stowage must be at least this many times as good (speed factor: > 1 = faster than the peer). */
  min: number;
}

/** How a target fared in a report. */
export interface TargetResult extends Target {
  /** `missing`: the group or a case did not run (filtered out, or not built yet). */
  status: 'met' | 'missed' | 'missing';
  /** Speed factor vs the best listed peer (peer ms / Stowage ms for a "lower is better" metric). */
  ratio: number | null;
  oursValue: number | null;
  peerValue: number | null;
  /** Which peer was the reference (the best of `peers`, on the runs' medians). */
  peerCase: string | null;
  /** With several runs: each run's ratio against that run's best listed peer; `ratio` is their median. */
  runRatios?: number[];
}

const STOWAGE_KV = 'Stowage createStorage + indexedDbDriver';
/**
 * Floors of issue 21: the least IndexedDB itself does for each path, measured in the same run. Where
 * both raw stores can do a path (getAllKeys, one-transaction put/get), the faster one is the floor.
 */
const RAW_IDB = 'raw IndexedDB (one transaction)';
const RAW_INBOUND = 'raw IndexedDB inbound keys (keyPath, one getAll)';
const STOWAGE_LRU = '@stowage/cache createLruCache';
const ANALYTICS_OFF = 'Stowage storage, analytics off';

/**
 * The targets of issue 21 (each a ratio of Stowage to its floor in one run), and the two of issue
 * 7 that have no floor (naive writes against idb-keyval, getStorageSync against localStorage).
 */
export const TARGETS: readonly Target[] = [
  { id: 'naive-set-2k', label: 'naive Promise.all(set) of 2,000 ≥ 5× idb-keyval', group: 'kv-2k', metric: 'naive', ours: STOWAGE_KV, peers: ['idb-keyval'], min: 5 },
  { id: 'naive-set-20k', label: 'naive Promise.all(set) of 20,000 ≥ 5× idb-keyval', group: 'kv-20k', metric: 'naive', ours: STOWAGE_KV, peers: ['idb-keyval'], min: 5 },
  { id: 'keys-20k', label: 'keys() of 20,000 ≥ 0.9× raw getAllKeys', group: 'kv-20k', metric: 'keys', ours: STOWAGE_KV, peers: [RAW_IDB, RAW_INBOUND], min: 0.9 },
  { id: 'scan-20k', label: 'full scan of 20,000 ≥ 0.9× raw inbound-key getAll', group: 'kv-20k', metric: 'scan', ours: STOWAGE_KV, peers: [RAW_INBOUND], min: 0.9 },
  { id: 'set-many-20k', label: 'setMany of 20,000 ≥ 0.95× raw one transaction', group: 'kv-20k', metric: 'setMany', ours: STOWAGE_KV, peers: [RAW_IDB, RAW_INBOUND], min: 0.95 },
  { id: 'get-many-20k', label: 'getMany of 20,000 ≥ 0.95× raw one transaction', group: 'kv-20k', metric: 'getMany', ours: STOWAGE_KV, peers: [RAW_IDB, RAW_INBOUND], min: 0.95 },
  {
    id: 'hydrate-50k', label: 'hydration of 50,000 into the Sync mirror ≥ 0.9× raw inbound-key getAll', group: 'hydration-50k', metric: 'load',
    ours: 'Stowage createMiniStorage().ready() (Sync mirror)', peers: [RAW_INBOUND], min: 0.9,
  },
  {
    id: 'heap-50k', label: 'heap after hydrating 50,000 into the Sync mirror ≤ 1.3× a Map of the same values', group: 'hydration-heap-50k', metric: 'heap',
    ours: 'Stowage createMiniStorage().ready() (Sync mirror)', peers: ['Map of the same values (floor)'], min: 1 / 1.3,
  },
  { id: 'get-storage-sync', label: 'getStorageSync ≥ localStorage.getItem + JSON.parse', group: 'sync-read-2k', metric: 'read', ours: 'Stowage mini getStorageSync (mirror)', peers: ['localStorage.getItem + JSON.parse'], min: 1 },
  { id: 'lru-no-ttl', label: 'createLruCache (TTL off) ≥ 1.0× mnemonist', group: 'lru-cache', metric: 'run', ours: `${STOWAGE_LRU} (no TTL)`, peers: ['mnemonist LRUCache (no TTL)'], min: 1 },
  {
    id: 'lru-ttl', label: 'createLruCache (TTL on) ahead of every TTL-capable peer', group: 'lru-cache', metric: 'run', ours: `${STOWAGE_LRU} (TTL)`,
    peers: ['lru-cache (TTL)', 'lru-cache wrapped to our API (TTL)', 'quick-lru (TTL)'], min: 1,
  },
  {
    id: 'encrypted-150k', label: 'encrypted 150 KB set+get ≥ 0.95× hand-written WebCrypto + IndexedDB', group: 'encrypted-storage-150k', metric: 'setget',
    ours: 'Stowage createStorage + aesGcmCodec + indexedDbDriver', peers: ['hand-written WebCrypto AES-GCM + raw IndexedDB (floor)'], min: 0.95,
  },
  ...(['naive', 'getMany', 'get'] as const).flatMap((metric): Target[] =>
    ([['memory', 'Stowage storage + instrument(createAnalytics())'], ['persisted', 'Stowage storage + instrument(createAnalytics({ storage })) (stats persisted)']] as const).map(([mode, ours]) => ({
      id: `analytics-${mode}-${metric}`, label: `analytics on (${mode}) ≤ 5 % slower than off: ${metric}`, group: 'analytics-2k', metric, ours, peers: [ANALYTICS_OFF], min: 0.95,
    })),
  ),
];

/** How many times better `ours` is than `peer` for this metric (> 1 = better). */
export function speedFactor(metric: Pick<MetricDef, 'better'>, ours: number, peer: number): number {
  return metric.better === 'lower' ? peer / ours : ours / peer;
}

function value(group: GroupResult, name: string, metric: string): number | null {
  const v = group.results.find((r) => r.case === name)?.values[metric];
  return typeof v === 'number' ? v : null;
}

/**
 * The in-run ratio of each run of a combined report (Stowage against the best listed peer of the
 * same run), or `[]` when the cases do not carry their runs (a single page run).
 */
function runRatios(group: GroupResult, t: Target, metric: MetricDef): number[] {
  const find = (name: string) => group.results.find((r) => r.case === name)?.runs;
  const ours = find(t.ours);
  const peers = t.peers.map(find);
  if (!ours || peers.some((p) => !p || p.length !== ours.length)) return [];
  const out: number[] = [];
  ours.forEach((run, i) => {
    const o = run.values[t.metric];
    const factors = peers.map((p) => p?.[i]?.values[t.metric]).map((v) => (typeof o === 'number' && typeof v === 'number' ? speedFactor(metric, o, v) : null));
    if (factors.every((f): f is number => f !== null)) out.push(Math.min(...factors));
  });
  return out;
}

/**
 * Evaluates every target on a (combined) report. With several runs the ratio is the median of the
 * in-run ratios (each run's Stowage against that run's floor: a busy machine slows one run's cases
 * together), not the ratio of medians taken from different runs.
 */
export function evaluateTargets(report: BenchReport, targets: readonly Target[] = TARGETS): TargetResult[] {
  return targets.map((t): TargetResult => {
    const missing: TargetResult = { ...t, status: 'missing', ratio: null, oursValue: null, peerValue: null, peerCase: null };
    const group = report.groups.find((g) => g.id === t.group);
    const metric = group?.metrics.find((m) => m.key === t.metric);
    if (!group || !metric) return missing;
    const ours = value(group, t.ours, t.metric);
    const peers = t.peers.flatMap((p) => {
      const v = value(group, p, t.metric);
      return v === null ? [] : [{ name: p, v, factor: ours === null ? 0 : speedFactor(metric, ours, v) }];
    });
    if (ours === null || peers.length !== t.peers.length) return missing;
    // The best peer is the one Stowage beats by the least.
    const best = peers.reduce((a, b) => (b.factor < a.factor ? b : a));
    const perRun = runRatios(group, t, metric);
    const ratio = perRun.length > 1 ? medianOf(perRun) : best.factor;
    const result: TargetResult = { ...t, status: ratio >= t.min ? 'met' : 'missed', ratio, oursValue: ours, peerValue: best.v, peerCase: best.name };
    if (perRun.length > 1) result.runRatios = perRun;
    return result;
  });
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
