import type { Clock, LockPort, Storage, StowageError } from '@stowage/core';
import type { CacheSource, SyncEventSource } from './sources.js';
import type {
  AnalyticsReport, AnalyticsStats, GrowthSample, HotDataReport, OperationLogEntry, Outcome,
} from './stats-types.js';

/** Something `pagehide` can be listened on (a window). */
export interface PagehideTarget {
  addEventListener(type: 'pagehide', listener: () => void): void;
  removeEventListener(type: 'pagehide', listener: () => void): void;
}

/** Options of `createAnalytics`. */
export interface AnalyticsOptions {
  /**
   * Where stats are persisted (e.g. `createStorage({ driver, prefix: 'analytics' })`). Tabs sharing
   * it add their counts together. @default undefined (in memory only)
   */
  storage?: Storage;
  /** The key stats are persisted under in `storage`. @default 'stats' */
  persistKey?: string;
  /** At most one persisted write per this many ms, and only after something changed. @default 1000 */
  persistInterval?: number;
  /** Entries kept in the operation log (a ring buffer). @default 1000 */
  logSize?: number;
  /** How many hot keys `analyzeHotData()` lists (memory used grows with it, not with traffic). @default 20 */
  hotKeys?: number;
  /**
   * Replace key names by a salted FNV-1a hash (16 hex digits) in the log, hot keys, reports, CSV and
   * the persisted stats. `true` uses a random salt, kept in `storage` so hashes stay stable across
   * reloads; `{ salt }` fixes it. @default false
   */
  hashKeys?: boolean | { salt: string };
  /** How often attached caches' counters are read. @default 1000 */
  pollInterval?: number;
  /** How often the attached storages' size is sampled. @default 60000 */
  growthInterval?: number;
  /** Size samples kept (oldest dropped first). @default 120 */
  growthSamples?: number;
  /** Timestamps and timers. @default systemClock */
  clock?: Clock;
  /** High-resolution time in ms for latencies. @default performance.now */
  timer?: () => number;
  /** Serializes persisted writes across tabs. @default defaultLocks() */
  locks?: LockPort;
  /** Where to listen for `pagehide` to flush; `false` disables. @default globalThis when it has addEventListener */
  pagehideTarget?: PagehideTarget | false;
  /** Failures no caller can receive (a persisted write, an unreadable snapshot). @default reportError */
  onError?: (error: StowageError) => void;
}

/** An operation timed by the app itself, for `record()`. */
export interface RecordInput {
  /** Operation name (1–64 characters). */
  op: string;
  durationMs: number;
  key?: string;
  /** Keys touched by a multi-key operation. */
  keys?: number;
  size?: number;
  /** @default 'ok', or 'error' when `error` is given */
  outcome?: Outcome;
  /** The failure; mapped to a `StowageError` code. */
  error?: unknown;
}

/** Options of `attachCache`. */
export interface AttachCacheOptions {
  /** Name the cache's counters are reported under. @default 'cache' */
  name?: string;
}

/** Usage analytics of Stowage storages, caches and sync engines. */
export interface Analytics {
  /** Resolves once persisted stats are restored (rejects if `storage` could not be read). */
  ready(): Promise<void>;
  /** Counts change events of a storage (other tabs, expiry, fallback, errors, sizes) and samples its size. Returns the detach. */
  attachStorage(storage: Storage): () => void;
  /** Polls a cache's cumulative counters every `pollInterval`. Returns the detach (which reads them one last time). */
  attachCache(cache: CacheSource, options?: AttachCacheOptions): () => void;
  /** Counts a sync engine's events (see `SyncAnalyticsEvent`). Returns the detach. */
  attachSync(source: SyncEventSource): () => void;
  /** Records an operation the app timed itself. */
  record(input: RecordInput): void;
  getStats(): AnalyticsStats;
  /** The latest `limit` log entries, newest first. @default limit logSize */
  getOperationHistory(limit?: number): OperationLogEntry[];
  analyzeHotData(): HotDataReport;
  /** Storage size samples, oldest first. */
  getGrowth(): GrowthSample[];
  generateReport(): AnalyticsReport;
  /** The operation log as CSV (oldest first), cells quoted and spreadsheet formulas defused. */
  exportCsv(): string;
  /** Zeroes everything, here and (at the next write) in the persisted stats. */
  resetStats(): void;
  /** Writes pending stats now. */
  flush(): Promise<void>;
  /** Flushes, detaches everything and stops timers; later records are ignored. */
  close(): Promise<void>;
}
