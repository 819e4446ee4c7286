import { StowageError, toStowageError, storageInfo } from '@stowage/core';
import type { KernelContext, Storage, StowageErrorCode } from '@stowage/core';
import type { Analytics, AnalyticsOptions, AttachCacheOptions, RecordInput } from './analytics-types.js';
import { CachePoll } from './cache-poller.js';
import { logToCsv } from './csv.js';
import { errorCode } from './error-code.js';
import type { LatencyHistogram } from './latency-histogram.js';
import { OpHistograms } from './op-histograms.js';
import { OperationLog } from './operation-log.js';
import { checkInteger, checkMethods, checkName, checkOptions } from './options.js';
import { checkRecordInput } from './record-input.js';
import { Repeater } from './repeater.js';
import { resolveOptions } from './resolve-options.js';
import type { ResolvedOptions } from './resolve-options.js';
import type { CacheSource, SyncEventSource } from './sources.js';
import { StatsStore } from './stats-store.js';
import type { AnalyticsReport, AnalyticsStats, GrowthSample, HotDataReport, OperationLogEntry, Outcome } from './stats-types.js';
import { storageListener } from './storage-listener.js';
import { syncListener } from './sync-listener.js';
import { growthRate, hotDataView, statsView } from './views.js';
import { operationLayer } from './operation-layer.js';
import { sameStorage } from './same-storage.js';

/**
 * Creates usage analytics. Nothing in the storage, cache or sync packages calls it: it listens to
 * their events (`attachStorage`, `attachSync`), polls their counters (`attachCache`), and times
 * operations through the layer `instrument()` attaches to a storage.
 *
 * @example
 * ```ts
 * const analytics = createAnalytics({ storage: createStorage({ driver, prefix: 'analytics' }) });
 * const storage = instrument(createStorage({ driver, prefix: 'app' }), analytics);
 * await storage.set('user', { name: 'Ada' });
 * analytics.generateReport(); // counters, latency percentiles, hot keys, growth, recent operations
 * ```
 */
export function createAnalytics(options: AnalyticsOptions = {}): Analytics {
  return new AnalyticsImpl(resolveOptions(options));
}

/** The implementation; `instrument()` feeds it through {@link AnalyticsImpl.recordOperation}. */
export class AnalyticsImpl implements Analytics {
  readonly #o: ResolvedOptions;
  readonly #store: StatsStore;
  readonly #log: OperationLog;
  /** Attached storages by {@link sameStorage} (wrappers of one storage are one entry). */
  readonly #storages = new Map<object, { storage: Storage; refs: number; off: () => void }>();
  /** Kernels this analytics' layer is attached to (`instrument()` twice attaches once). */
  readonly #instrumented = new WeakSet<KernelContext>();
  /** Set while analytics itself calls a storage (growth samples): its layers ignore those operations. */
  #quiet = false;
  readonly #caches = new Set<CachePoll>();
  readonly #detachers = new Set<() => void>();
  readonly #onPagehide = (): void => void this.flush().catch((e: unknown) => this.#o.onError(toStowageError(e, 'analytics flush')));
  readonly #histograms: OpHistograms;
  readonly #poller: Repeater;
  readonly #grower: Repeater;
  #closed = false;

  constructor(o: ResolvedOptions) {
    this.#o = o;
    this.#log = new OperationLog(o.logSize);
    this.#store = new StatsStore({
      storage: o.storage,
      persistKey: o.persistKey,
      persistInterval: o.persistInterval,
      // Far more keys are tracked than listed: keys near the cut are ranked from real counts, and an
      // app with up to ~1,000 busy keys never churns the table (churn was the costliest part of
      // recording). Memory stays fixed: at most 2 × capacity entries.
      hotCapacity: Math.max(10 * o.hotKeys, 500),
      growthLimit: o.growthSamples,
      hashing: o.hashing,
      clock: o.clock,
      locks: o.locks,
      onError: o.onError,
    });
    this.#histograms = new OpHistograms(this.#store.opNames);
    this.#poller = new Repeater(o.clock, o.pollInterval, () => {
      this.#pollCaches();
      return this.#caches.size > 0;
    });
    this.#grower = new Repeater(o.clock, o.growthInterval, () => {
      void this.#sampleGrowth();
      return this.#storages.size > 0;
    });
    o.pagehideTarget?.addEventListener('pagehide', this.#onPagehide);
  }

  /** High-resolution time for `instrument()`. */
  get timer(): () => number {
    return this.#o.timer;
  }

  now(): number {
    return this.#o.clock.now();
  }

  /**
   * The epoch time of a `timer()` reading. With the default clock and timer it is derived from the
   * reading itself, saving a `Date.now()` per operation (a visible share of the recording cost).
   */
  stamp(timerValue: number): number {
    return this.#o.fastStamp ? Math.round(this.#o.fastStamp + timerValue) : this.#o.clock.now();
  }

  ready(): Promise<void> {
    return this.#store.ready();
  }

  /**
   * Records one timed operation: log, latency, errors, reads and hot keys. Positional, so the hot path
   * of `instrument()` allocates nothing here. `readKeys` are the keys a successful multi-key read touched.
   */
  recordOperation(
    at: number, op: string, key: string | undefined, keys: number | undefined, size: number | undefined, durationMs: number, outcome: Outcome,
    error: StowageErrorCode | undefined, reads: number, hits: number, readKeys?: readonly string[],
  ): void {
    if (this.#closed) return;
    const d = this.#store.delta;
    this.#log.push(at, op, key, keys, size, durationMs, outcome, error);
    this.#histogram(op).record(durationMs, outcome === 'error');
    if (error !== undefined) d.countError(error);
    if (reads > 0) {
      d.counters.reads += reads;
      d.counters.hits += hits;
      d.counters.misses += reads - hits;
      if (readKeys) for (const k of readKeys) d.hot.touch(k, false);
      else if (key !== undefined) d.hot.touch(key, false);
    }
    if (d.since === undefined) d.since = at;
    this.#store.changed();
  }

  record(input: RecordInput): void {
    const outcome = checkRecordInput(input);
    const read = outcome === 'hit' || outcome === 'miss' ? 1 : 0;
    const code = outcome === 'error' ? errorCode(input.error) : undefined;
    this.recordOperation(this.now(), input.op, input.key, input.keys, input.size, input.durationMs, outcome, code, read, outcome === 'hit' ? 1 : 0);
  }


  /** Whether analytics itself is calling a storage (its layers then record nothing). */
  get quiet(): boolean {
    return this.#quiet;
  }

  /** For `instrument()`: attaches the operation layer to the kernel of `storage` (once) and its events. */
  instrument(storage: Storage, ctx: KernelContext): void {
    this.#open();
    if (this.#instrumented.has(ctx)) return;
    this.#instrumented.add(ctx);
    this.#detacher(ctx.attach(operationLayer(this, this.#ownKey(storage))));
    this.attachStorage(storage);
  }

  /** The persisted key when `storage` is where the stats persist (those writes are not activity). */
  #ownKey(storage: Storage): string | undefined {
    return this.#o.storage !== undefined && storage.prefix === this.#o.storage.prefix ? this.#o.persistKey : undefined;
  }

  attachStorage(storage: Storage): () => void {
    this.#open();
    checkMethods(storage, ['subscribe', 'get'], 'storage');
    const id = sameStorage(storage);
    let a = this.#storages.get(id);
    if (a === undefined) {
      const off = storage.subscribe(storageListener(this.#store, () => this.now(), this.#ownKey(storage)));
      this.#storages.set(id, (a = { storage, refs: 0, off }));
      void this.#sampleGrowth();
      this.#grower.start();
    }
    a.refs++;
    return this.#detacher(() => {
      const cur = this.#storages.get(id);
      if (cur && --cur.refs === 0) {
        cur.off();
        this.#storages.delete(id);
      }
    });
  }

  attachCache(cache: CacheSource, options: AttachCacheOptions = {}): () => void {
    this.#open();
    checkOptions(options, ['name'], 'attachCache');
    const name = options.name ?? 'cache';
    checkName(name, 'name', 64);
    const poll = new CachePoll(cache, name);
    this.#caches.add(poll);
    this.#poller.start();
    return this.#detacher(() => {
      this.#pollOne(poll);
      this.#caches.delete(poll);
    });
  }

  attachSync(source: SyncEventSource): () => void {
    this.#open();
    checkMethods(source, ['subscribe'], 'source');
    const off = source.subscribe(syncListener(this.#store, () => this.now(), (op) => this.#histogram(op)));
    if (typeof off !== 'function') throw new StowageError('invalid-argument', 'source.subscribe must return an unsubscribe function');
    return this.#detacher(off);
  }

  getStats(): AnalyticsStats {
    this.#pollCaches();
    return statsView(this.#store.view(), this.now());
  }

  getOperationHistory(limit: number = this.#o.logSize): OperationLogEntry[] {
    checkInteger(limit, 'limit', 0, Number.MAX_SAFE_INTEGER);
    const hash = this.#store.hashKey;
    return this.#log.latest(limit).map((e) => (e.key === undefined ? { ...e } : { ...e, key: hash(e.key) }));
  }

  analyzeHotData(): HotDataReport {
    return hotDataView(this.#store.view(), this.#o.hotKeys);
  }

  getGrowth(): GrowthSample[] {
    return this.#store.view().growth.map((g) => ({ ...g }));
  }

  generateReport(): AnalyticsReport {
    this.#pollCaches();
    const view = this.#store.view();
    const samples = view.growth.map((g) => ({ ...g }));
    return {
      format: 'stowage-analytics-report',
      version: 1,
      generatedAt: this.now(),
      stats: statsView(view, this.now()),
      hotData: hotDataView(view, this.#o.hotKeys),
      growth: { samples, kbPerHour: growthRate(samples) },
      recentOperations: this.getOperationHistory(),
    };
  }

  exportCsv(): string {
    return logToCsv(this.getOperationHistory().reverse());
  }

  resetStats(): void {
    this.#log.clear();
    this.#store.reset(this.now());
  }

  async flush(): Promise<void> {
    this.#pollCaches();
    await this.#store.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const detach of [...this.#detachers]) detach();
    this.#closed = true;
    this.#poller.stop();
    this.#grower.stop();
    this.#o.pagehideTarget?.removeEventListener('pagehide', this.#onPagehide);
    await this.#store.flush();
    this.#store.stop();
  }

  #open(): void {
    if (this.#closed) throw new StowageError('closed', 'analytics is closed');
  }

  #detacher(undo: () => void): () => void {
    let done = false;
    const detach = (): void => {
      if (done) return;
      done = true;
      this.#detachers.delete(detach);
      undo();
    };
    this.#detachers.add(detach);
    return detach;
  }

  #histogram(op: string): LatencyHistogram {
    return this.#histograms.of(this.#store.delta.ops, op);
  }

  #pollOne(poll: CachePoll): void {
    try {
      if (poll.poll(this.#store.delta)) {
        this.#store.delta.touch(this.now());
        this.#store.changed();
      }
    } catch (e) {
      this.#o.onError(toStowageError(e, 'analytics: reading cache stats'));
    }
  }

  #pollCaches(): void {
    for (const p of this.#caches) this.#pollOne(p);
  }

  /** One size sample: the sum of `info().currentSize` over the attached storages. */
  async #sampleGrowth(): Promise<void> {
    const storages = [...this.#storages.values()].map((a) => a.storage);
    try {
      // Analytics' own reads are not the app's operations (storageInfo reaches the layers synchronously).
      this.#quiet = true;
      let pending: Promise<{ currentSize: number }[]>;
      try {
        pending = Promise.all(storages.map((s) => storageInfo(s)));
      } finally {
        this.#quiet = false;
      }
      const infos = await pending;
      if (this.#closed) return;
      const d = this.#store.delta;
      d.growth.push({ at: this.now(), sizeKb: infos.reduce((sum, i) => sum + i.currentSize, 0) });
      if (d.growth.length > this.#o.growthSamples) d.growth.shift();
      d.touch(this.now());
      this.#store.changed();
    } catch (e) {
      const err = toStowageError(e, 'analytics: storage size sample');
      this.#store.delta.countError(err.code);
      this.#o.onError(err);
    }
  }
}
