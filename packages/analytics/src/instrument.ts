import { StowageError } from '@stowage/core';
import type {
  ApplyRecordItem, Backup, CommitHook, CommitOrigin, Driver, EntryInfo, ExportOptions, ImportOptions, ReencodeOptions, SetOptions, Storage,
  StorageConfig, StorageInfo, StorageListener, StorageOp, StoredRecord,
} from '@stowage/core';
import { AnalyticsImpl, errorCode } from './analytics.js';
import type { Analytics } from './analytics-types.js';
import type { Outcome } from './stats-types.js';
import { registerWrapper } from './wrapped.js';

/** What a finished call adds to its log entry: outcome, reads and hits, the keys it read. */
interface Done {
  outcome: Outcome;
  reads?: number;
  hits?: number;
  readKeys?: readonly string[];
}

const OK: Done = { outcome: 'ok' };

/**
 * Wraps a storage in a layer that times every call and records it in `analytics` (operation, key,
 * written size, outcome, error code); it also attaches the storage's change events. The result is the
 * same `Storage`: every method delegates, values and errors pass through untouched (same objects,
 * same `StowageError`s). `ready`, `close`, `subscribe`, `driver` and `addCommitHook` are delegated untimed.
 *
 * @example
 * ```ts
 * const storage = instrument(createStorage({ driver: indexedDbDriver() }), analytics);
 * ```
 */
export function instrument(storage: Storage, analytics: Analytics): Storage {
  if (!(analytics instanceof AnalyticsImpl)) throw new StowageError('invalid-argument', 'instrument needs an analytics from createAnalytics()');
  if (typeof storage?.get !== 'function' || typeof storage.subscribe !== 'function') {
    throw new StowageError('invalid-argument', 'instrument needs a Storage (createStorage(...))');
  }
  const wrapper = new Instrumented(storage, analytics);
  registerWrapper(wrapper, storage);
  return wrapper;
}

class Instrumented implements Storage {
  readonly #inner: Storage;
  readonly #a: AnalyticsImpl;
  readonly #timer: () => number;
  /** Keys with a write in flight → stored size from the commit's change event (emitted before the write resolves). */
  readonly #sizes = new Map<string, { pending: number; size?: number }>();

  constructor(inner: Storage, analytics: AnalyticsImpl) {
    this.#inner = inner;
    this.#a = analytics;
    this.#timer = analytics.timer;
    analytics.attachStorage(inner);
    inner.subscribe((e) => {
      if (e.type !== 'set' || e.source !== 'local') return;
      const w = this.#sizes.get(e.key);
      if (w) w.size = e.size;
    });
  }

  get prefix(): string {
    return this.#inner.prefix;
  }

  get config(): StorageConfig {
    return this.#inner.config;
  }

  ready(): Promise<void> {
    return this.#inner.ready();
  }

  set(key: string, value: unknown, options?: SetOptions): Promise<void> {
    return this.#write('set', [key], key, () => this.#inner.set(key, value, options));
  }

  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T>(key: string, defaultValue: T): Promise<T>;
  get<T>(key: string, defaultValue?: T): Promise<T | undefined> {
    // Asked without the default so a miss can be told from a stored value equal to it.
    return this.#time('get', key, undefined, () => this.#inner.get<T>(key), (v) => (v === undefined ? MISS : HIT), undefined, defaultValue);
  }

  getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    const n = Array.isArray(keys) ? keys.length : undefined;
    return this.#time('getMany', undefined, n, () => this.#inner.getMany<T>(keys), (vs) => {
      const hits = vs.reduce((h: number, v) => (v === undefined ? h : h + 1), 0);
      return { outcome: 'ok', reads: vs.length, hits, readKeys: keys };
    });
  }

  setMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>, options?: SetOptions): Promise<void> {
    // An iterable can be read once: materialize it, so both the storage and the size lookup see it.
    const list = typeof entries === 'object' && entries !== null && Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, unknown]>)] : entries;
    const keys = Array.isArray(list) ? list.map((e: unknown) => (Array.isArray(e) ? String(e[0]) : '')) : typeof list === 'object' && list !== null ? Object.keys(list) : [];
    return this.#write('setMany', keys, undefined, () => this.#inner.setMany(list, options));
  }

  remove(key: string): Promise<void> {
    return this.#time('remove', key, undefined, () => this.#inner.remove(key));
  }

  has(key: string): Promise<boolean> {
    return this.#time('has', key, undefined, () => this.#inner.has(key), (found) => (found ? HIT : MISS));
  }

  keys(): Promise<string[]> {
    return this.#time('keys', undefined, undefined, () => this.#inner.keys());
  }

  clear(): Promise<void> {
    return this.#time('clear', undefined, undefined, () => this.#inner.clear());
  }

  batch(ops: readonly StorageOp[]): Promise<void> {
    const list = Array.isArray(ops) ? ops : [];
    const keys = list.flatMap((op: StorageOp) => (op?.type === 'set' && typeof op.key === 'string' ? [op.key] : []));
    return this.#write('batch', keys, undefined, () => this.#inner.batch(ops), list.length);
  }

  info(): Promise<StorageInfo> {
    return this.#time('info', undefined, undefined, () => this.#inner.info());
  }

  inspect(key: string): Promise<EntryInfo | undefined>;
  inspect(): Promise<EntryInfo[]>;
  inspect(key?: string): Promise<EntryInfo | undefined | EntryInfo[]> {
    return this.#time<EntryInfo | undefined | EntryInfo[]>('inspect', key, undefined, () => (key === undefined ? this.#inner.inspect() : this.#inner.inspect(key)));
  }

  cleanExpired(): Promise<number> {
    return this.#time('cleanExpired', undefined, undefined, () => this.#inner.cleanExpired());
  }

  subscribe(listener: StorageListener): () => void {
    return this.#inner.subscribe(listener);
  }

  exportData(options?: ExportOptions): Promise<Backup> {
    return this.#time('exportData', undefined, undefined, () => this.#inner.exportData(options));
  }

  importData(backup: unknown, options?: ImportOptions): Promise<number> {
    return this.#time('importData', undefined, undefined, () => this.#inner.importData(backup, options));
  }

  listBackups(): Promise<{ id: string; createdAt: number; count: number }[]> {
    return this.#time('listBackups', undefined, undefined, () => this.#inner.listBackups());
  }

  restoreBackup(id: string): Promise<number> {
    return this.#time('restoreBackup', undefined, undefined, () => this.#inner.restoreBackup(id));
  }

  exportCsv(): Promise<string> {
    return this.#time('exportCsv', undefined, undefined, () => this.#inner.exportCsv());
  }

  migrate(): Promise<number> {
    return this.#time('migrate', undefined, undefined, () => this.#inner.migrate());
  }

  reencode(options?: ReencodeOptions): Promise<number> {
    return this.#time('reencode', undefined, undefined, () => this.#inner.reencode(options));
  }

  getRecord(key: string): Promise<StoredRecord | undefined> {
    return this.#time('getRecord', key, undefined, () => this.#inner.getRecord(key), (r) => (r === undefined ? MISS : HIT));
  }

  applyRecords(items: readonly ApplyRecordItem[], options?: { origin?: CommitOrigin }): Promise<string[]> {
    const n = Array.isArray(items) ? items.length : undefined;
    return this.#time('applyRecords', undefined, n, () => this.#inner.applyRecords(items, options));
  }

  driver(): Promise<Driver> {
    return this.#inner.driver();
  }

  addCommitHook(hook: CommitHook): () => void {
    return this.#inner.addCommitHook(hook);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** A timed write whose log entry carries the stored bytes its change events reported. */
  #write(op: string, keys: readonly string[], key: string | undefined, run: () => Promise<void>, count: number = keys.length): Promise<void> {
    for (const k of keys) {
      const w = this.#sizes.get(k);
      if (w) w.pending++;
      else this.#sizes.set(k, { pending: 1 });
    }
    let size: number | undefined;
    const collect = (): void => {
      for (const k of keys) {
        const w = this.#sizes.get(k);
        if (!w) continue;
        if (w.size !== undefined) size = (size ?? 0) + w.size;
        if (--w.pending === 0) this.#sizes.delete(k);
      }
    };
    return this.#time(op, key, key === undefined ? count : undefined, run, undefined, () => (collect(), size));
  }

  /** Times `run`, records the outcome, and hands back exactly what `run` resolved or rejected with. */
  #time<T>(
    op: string, key: string | undefined, keys: number | undefined, run: () => Promise<T>, done: (v: T) => Done = () => OK, sizeOf?: () => number | undefined,
    ifUndefined?: T,
  ): Promise<T> {
    const t0 = this.#timer();
    let p: Promise<T>;
    try {
      p = run();
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      (v) => {
        const d = done(v);
        this.#record(op, key, keys, t0, d.outcome, undefined, sizeOf?.(), d);
        return v === undefined ? (ifUndefined as T) : v;
      },
      (e: unknown) => {
        sizeOf?.();
        this.#record(op, key, keys, t0, 'error', e, undefined, OK);
        throw e;
      },
    );
  }

  #record(op: string, key: string | undefined, keys: number | undefined, t0: number, outcome: Outcome, err: unknown, size: number | undefined, d: Done): void {
    const t1 = this.#timer();
    this.#a.recordOperation(this.#a.stamp(t1), op, key, keys, size, t1 - t0, outcome, outcome === 'error' ? errorCode(err) : undefined, d.reads ?? 0, d.hits ?? 0, d.readKeys);
  }
}

const HIT: Done = { outcome: 'hit', reads: 1, hits: 1 };
const MISS: Done = { outcome: 'miss', reads: 1, hits: 0 };
