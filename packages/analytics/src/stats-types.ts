import type { StowageErrorCode } from '@stowage/core';

/** How a timed operation ended: a read that found its value (`hit`) or not (`miss`), any other success (`ok`), or a failure. */
export type Outcome = 'ok' | 'hit' | 'miss' | 'error';

/** One entry of the operation log (keys are hashed when `hashKeys` is on). */
export interface OperationLogEntry {
  /** Epoch ms (the analytics clock) when the operation finished. */
  at: number;
  /** Storage method (`get`, `set`, …) or the name given to `record()`. */
  op: string;
  /** The key, for single-key operations. */
  key?: string;
  /** How many keys a multi-key operation touched (`getMany`, `setMany`, `batch`). */
  keys?: number;
  /** Stored bytes written (from the storage's change events), when known. */
  size?: number;
  durationMs: number;
  outcome: Outcome;
  /** The `StowageError` code of a failed operation. */
  error?: StowageErrorCode;
}

/** Latency figures of one operation, in milliseconds. */
export interface OperationStats {
  count: number;
  errors: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** Percentiles from a fixed log-linear histogram: within about 3 % of the exact value. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

/** Counters of one attached cache (deltas of its own cumulative stats). */
export interface CacheCounters {
  /** Per tier (`memory`, `storage`), with each tier's hit rate. */
  tiers: Record<string, { hits: number; misses: number; hitRate: number }>;
  loads: number;
  loadErrors: number;
  staleHits: number;
  evictions: number;
}

/** Counters fed by a sync engine's events. */
export interface SyncCounters {
  /** `pushed` events (push rounds) and the changes they carried. */
  pushes: number;
  pushedChanges: number;
  /** `pulled` events (pull rounds) and the documents they applied. */
  pulls: number;
  pulledDocs: number;
  conflicts: number;
  errors: number;
  /** Events of any other `type`, by type. */
  other: Record<string, number>;
}

/** Everything `getStats()` returns. */
export interface AnalyticsStats {
  /** Epoch ms of the first thing ever recorded (persisted), or of the last reset. */
  since: number;
  /** Keys read (`get`, `has`, `getRecord`: 1 each; `getMany`: one per key) through `instrument()`. */
  reads: number;
  /** Reads that found a value / found nothing. */
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before any read. */
  hitRate: number;
  /** Keys written by this tab (change events, so `setMany`, `batch` and `importData` count per key). */
  writes: number;
  /** Keys removed by this tab. */
  deletes: number;
  /** Keys written / removed by another tab or a sync engine. */
  remoteWrites: number;
  remoteDeletes: number;
  /** Keys that expired (lazily, by a sweep, or under quota pressure). */
  expirations: number;
  clears: number;
  imports: number;
  /** Times a storage fell back to memory. */
  fallbacks: number;
  /** Stored bytes written by this tab. */
  bytesWritten: number;
  /** Failures by `StowageError` code, from every source. */
  errors: Partial<Record<StowageErrorCode, number>>;
  /** Latency and error counts per operation. */
  operations: Record<string, OperationStats>;
  /** Per attached cache name. */
  caches: Record<string, CacheCounters>;
  sync: SyncCounters;
}

/** One hot key. */
export interface HotKey {
  /** The key (hashed when `hashKeys` is on). */
  key: string;
  /** Reads + writes by this tab; may overcount by at most `error` (bounded-memory counting). */
  accesses: number;
  reads: number;
  writes: number;
  /** Upper bound of the overcount in `accesses` (0 = exact). */
  error: number;
  /** Stored bytes when last seen written (any tab), if seen. */
  size?: number;
  /** accesses / all accesses. */
  share: number;
}

/** What `analyzeHotData()` returns. */
export interface HotDataReport {
  /** The top keys by accesses, most accessed first (at most `hotKeys`). */
  keys: HotKey[];
  /** All reads + writes counted. */
  totalAccesses: number;
  /** Share of all accesses that went to the listed keys (0–1). */
  topShare: number;
  /** Sum of the listed keys' known sizes, in bytes. */
  topBytes: number;
}

/** One storage-size sample. */
export interface GrowthSample {
  at: number;
  /** Sum of `info().currentSize` (KB) over the attached storages. */
  sizeKb: number;
}

/** What `generateReport()` returns: plain JSON data (`JSON.stringify` round-trips it). */
export interface AnalyticsReport {
  format: 'stowage-analytics-report';
  version: 1;
  generatedAt: number;
  stats: AnalyticsStats;
  hotData: HotDataReport;
  growth: {
    samples: GrowthSample[];
    /** KB added per hour between the first and the last sample (0 with fewer than two). */
    kbPerHour: number;
  };
  /** The most recent operations, newest first. */
  recentOperations: OperationLogEntry[];
}
