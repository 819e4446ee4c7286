import type { BenchReport, GroupResult, MetricDef } from './types.js';

/** A performance target of issue 7: Stowage's figure against a peer's, in the same run. */
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
  /** Which peer was the reference (the best of `peers`). */
  peerCase: string | null;
}

const STOWAGE_KV = 'Stowage createStorage + indexedDbDriver';
const RAW_IDB = 'raw IndexedDB (one transaction)';

/** The targets of issue 7, evaluated on every run. */
export const TARGETS: readonly Target[] = [
  { id: 'naive-set-2k', label: 'naive Promise.all(set) of 2,000 ≥ 5× idb-keyval', group: 'kv-2k', metric: 'naive', ours: STOWAGE_KV, peers: ['idb-keyval'], min: 5 },
  { id: 'naive-set-20k', label: 'naive Promise.all(set) of 20,000 ≥ 5× idb-keyval', group: 'kv-20k', metric: 'naive', ours: STOWAGE_KV, peers: ['idb-keyval'], min: 5 },
  { id: 'set-many-20k', label: 'setMany of 20,000 ≥ 0.85× raw IndexedDB (one transaction)', group: 'kv-20k', metric: 'setMany', ours: STOWAGE_KV, peers: [RAW_IDB], min: 0.85 },
  { id: 'get-many-20k', label: 'getMany of 20,000 ≥ 0.85× raw IndexedDB (one transaction)', group: 'kv-20k', metric: 'getMany', ours: STOWAGE_KV, peers: [RAW_IDB], min: 0.85 },
  { id: 'hydrate-50k', label: 'hydration of 50,000 into the Sync mirror ≥ 0.9× Dexie toArray', group: 'hydration-50k', metric: 'load', ours: 'Stowage createMiniStorage().ready() (Sync mirror)', peers: ['Dexie (new instance) toArray()'], min: 0.9 },
  { id: 'get-storage-sync', label: 'getStorageSync ≥ localStorage.getItem + JSON.parse', group: 'sync-read-2k', metric: 'read', ours: 'Stowage mini getStorageSync (mirror)', peers: ['localStorage.getItem + JSON.parse'], min: 1 },
  { id: 'memory-tier', label: 'memory tier (LRU, TTL on) ≥ 1.2× lru-cache (TTL on)', group: 'lru-cache', metric: 'run', ours: '@stowage/cache createLruCache (TTL)', peers: ['lru-cache (TTL)'], min: 1.2 },
  {
    id: 'encrypted-150k', label: 'encrypted 150 KB set+get ≥ 10× the crypto-js path', group: 'encrypted-storage-150k', metric: 'setget',
    ours: 'Stowage createStorage + aesGcmCodec + indexedDbDriver', peers: ['crypto-js AES (passphrase) + idb-keyval', 'crypto-js AES (passphrase) + localStorage'], min: 10,
  },
];

/** How many times better `ours` is than `peer` for this metric (> 1 = better). */
export function speedFactor(metric: Pick<MetricDef, 'better'>, ours: number, peer: number): number {
  return metric.better === 'lower' ? peer / ours : ours / peer;
}

function value(group: GroupResult, name: string, metric: string): number | null {
  const v = group.results.find((r) => r.case === name)?.values[metric];
  return typeof v === 'number' ? v : null;
}

/** Evaluates every target on a (combined) report. */
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
    return { ...t, status: best.factor >= t.min ? 'met' : 'missed', ratio: best.factor, oursValue: ours, peerValue: best.v, peerCase: best.name };
  });
}
