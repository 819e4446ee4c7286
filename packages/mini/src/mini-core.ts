import { Emitter, serializeValue, StowageError, toStowageError, utf8Length } from '@stowage/core';
import type { Clock, SetOptions, Storage, StorageEvent, StorageLimits, StorageListener } from '@stowage/core';
import type { Reporter } from './callback-api.js';
import { encodeMiniJson } from './mini-values.js';
import { Mirror, MirrorEntry } from './mirror.js';
import type { MiniErrorContext, MiniStorageOptions, PagehideTarget } from './mini-types.js';
import { readEntries } from './read-entries.js';
import { resolveStorage } from './resolve-storage.js';
import { WriteTracker } from './write-tracker.js';
import type { StagedWrite } from './write-tracker.js';

/** A validated value ready to be written: its mirror entry and what to hand the Storage. */
export interface Prepared {
  write: StagedWrite & { entry: MirrorEntry };
  /** A private copy, so the caller mutating its object after the call cannot change what is stored. */
  value: unknown;
  options: SetOptions | undefined;
}

type OnError = (error: StowageError, context: MiniErrorContext) => void;

const MINI_OPTIONS = ['onError', 'pagehideTarget'] as const;

function defaultPagehideTarget(): PagehideTarget | undefined {
  const g = globalThis as Partial<PagehideTarget>;
  return typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function' ? (g as PagehideTarget) : undefined;
}

/**
 * State shared by the async and Sync APIs of one mini storage: the Storage, the mirror, the write
 * tracker, readiness, refreshes after other writers' changes, error reporting and `pagehide`.
 */
export class MiniCore {
  readonly storage: Storage;
  readonly limits: Required<StorageLimits>;
  readonly clock: Clock;
  readonly mirror = new Mirror();
  readonly writes: WriteTracker;
  readonly #owned: boolean;
  readonly #canEncrypt: boolean | undefined;
  readonly #encryptAll: boolean | undefined;
  readonly #defaultTtl: number | undefined;
  readonly #onError: OnError | undefined;
  readonly #emitter = new Emitter<StorageEvent>();
  readonly #refreshing = new Set<Promise<void>>();
  readonly #unsubscribe: () => void;
  readonly #pagehide: { target: PagehideTarget; listener: () => void } | undefined;
  #state: 'idle' | 'hydrating' | 'ready' | 'closed' = 'idle';
  #readyP: Promise<void> | undefined;
  #refreshKeys = new Set<string>();
  #refreshAll = false;
  #refreshQueued = false;

  constructor(options: MiniStorageOptions) {
    const r = resolveStorage(options, MINI_OPTIONS, 'createMiniStorage');
    const o = (options ?? {}) as { onError?: unknown; pagehideTarget?: unknown };
    if (o.onError !== undefined && typeof o.onError !== 'function') throw new StowageError('invalid-argument', 'createMiniStorage: onError must be a function');
    this.storage = r.storage;
    this.limits = r.limits;
    this.clock = r.clock;
    this.#owned = r.owned;
    this.#canEncrypt = r.canEncrypt;
    this.#encryptAll = r.encryptAll;
    this.#defaultTtl = r.defaultTtl;
    this.#onError = o.onError as OnError | undefined;
    this.writes = new WriteTracker(this.mirror, this.report);
    this.#unsubscribe = this.storage.subscribe((e) => this.#onEvent(e));
    const target = o.pagehideTarget === undefined ? defaultPagehideTarget() : o.pagehideTarget === false ? undefined : (o.pagehideTarget as PagehideTarget);
    if (target) {
      if (typeof target.addEventListener !== 'function') throw new StowageError('invalid-argument', 'createMiniStorage: pagehideTarget must have addEventListener');
      // The page may be frozen or discarded after pagehide: start committing what is still in flight.
      const listener = (): void => void this.flush().catch(() => undefined);
      target.addEventListener('pagehide', listener);
      this.#pagehide = { target, listener };
    }
  }

  get isReady(): boolean {
    return this.#state === 'ready';
  }

  /** Whether the mirror follows writes and other writers' changes (from the start of `ready()`). */
  get tracking(): boolean {
    return this.#state === 'hydrating' || this.#state === 'ready';
  }

  assertOpen(api: string): void {
    if (this.#state === 'closed') throw new StowageError('closed', 'the mini storage is closed', { details: { api } });
  }

  assertReady(api: string): void {
    this.assertOpen(api);
    if (this.#state !== 'ready') {
      throw new StowageError('unavailable', `the storage mirror is not ready: await mini.ready() before calling ${api}`, { details: { api } });
    }
  }

  /** Sends an isolated failure to `onError` and `subscribe`; rethrows it asynchronously when nobody listens. */
  readonly report: Reporter = (error, context) => {
    const heard = this.#onError !== undefined || this.#emitter.size > 0;
    if (this.#onError) {
      try {
        this.#onError(error, context);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
    this.#emitter.emit({ type: 'error', operation: context.operation, error });
    if (!heard) {
      queueMicrotask(() => {
        throw error;
      });
    }
  };

  /** Fails clearly when `encrypt: true` cannot work (known only for a Storage built here). */
  checkEncrypt(encrypt: boolean | undefined): void {
    if (encrypt === true && this.#canEncrypt === false) {
      throw new StowageError('invalid-argument', 'encrypt: true needs an encryption codec: createMiniStorage({ encryption })');
    }
  }

  /**
   * Validates and serializes a value (Dates tagged). `sticky` keeps an encrypted key encrypted when the caller does
   * not say (the Sync API has no `encrypt` parameter); `checkSize` applies the per-key limit now.
   */
  prepare(key: string, value: unknown, o: { encrypt: boolean | undefined; sticky: boolean; checkSize: boolean }): Prepared {
    const s = serializeValue(value, key);
    // Dates stay Dates through the mini API, as on the platform (see mini-values.ts).
    const json = encodeMiniJson(value, s.json);
    const size = utf8Length(key) + (json === s.json ? s.bytes : utf8Length(json));
    const limit = this.limits.maxValueBytes;
    if (o.checkSize && size > limit) {
      throw new StowageError('too-large', `"${key}" needs ${size} bytes, over the per-key limit of ${limit}`, { details: { key, size, limit } });
    }
    const encrypt = o.encrypt ?? (o.sticky && this.mirror.peek(key)?.encrypted ? true : undefined);
    this.checkEncrypt(encrypt);
    const expiresAt = this.#defaultTtl === undefined ? undefined : this.clock.now() + this.#defaultTtl;
    const entry = MirrorEntry.json(json, size, encrypt ?? this.#encryptAll ?? false, expiresAt);
    return { write: { key, entry }, value: JSON.parse(json), options: encrypt === undefined ? undefined : { encrypt } };
  }

  /** Throws `quota-exceeded` when the writes would take the namespace over its limit (mirror accounting). */
  checkQuota(writes: readonly StagedWrite[]): void {
    const changes = new Map(writes.map((w) => [w.key, w.entry?.size ?? 0]));
    const limit = this.limits.maxTotalBytes;
    const fit = this.mirror.fits(changes, limit, this.clock.now());
    if (!fit.ok) {
      throw new StowageError('quota-exceeded', `the namespace would exceed its ${limit} byte limit`, { details: { limit, used: fit.used, need: fit.need } });
    }
  }

  ready(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(new StowageError('closed', 'the mini storage is closed', { details: { api: 'ready' } }));
    this.#readyP ??= (async () => {
      this.#state = 'hydrating';
      try {
        await this.storage.ready();
        await this.#load('all');
        if (this.#state === 'hydrating') this.#state = 'ready';
      } catch (e) {
        if (this.#state === 'hydrating') this.#state = 'idle';
        this.mirror.clear();
        this.#readyP = undefined; // a later ready() tries again
        throw toStowageError(e, 'ready');
      }
    })();
    return this.#readyP;
  }

  /** Re-reads `target` from the store into the mirror. */
  async #load(target: readonly string[] | 'all'): Promise<void> {
    const seq = this.mirror.next(); // taken before the read is issued: see Mirror
    const entries = await readEntries(this.storage, target);
    if (target === 'all') for (const k of this.mirror.keys()) if (!entries.has(k)) entries.set(k, null);
    for (const [k, e] of entries) this.mirror.reset(k, e, seq);
  }

  #onEvent(e: StorageEvent): void {
    const own = this.writes.isOwnEcho(e);
    this.#emitter.emit(e);
    if (own || !this.tracking) return;
    switch (e.type) {
      case 'set':
      case 'remove':
        return this.#scheduleRefresh(e.key);
      case 'clear':
      case 'import':
        return this.#scheduleRefresh(undefined);
      case 'fallback':
      case 'error':
        return;
    }
  }

  /** Coalesces the changes of one tick into one re-read (`undefined` = everything). */
  #scheduleRefresh(key: string | undefined): void {
    if (key === undefined) this.#refreshAll = true;
    else this.#refreshKeys.add(key);
    if (this.#refreshQueued) return;
    this.#refreshQueued = true;
    queueMicrotask(() => {
      this.#refreshQueued = false;
      const target = this.#refreshAll ? 'all' : [...this.#refreshKeys];
      this.#refreshAll = false;
      this.#refreshKeys = new Set();
      if (!this.tracking) return;
      const p = this.#load(target).catch((e: unknown) => this.report(toStowageError(e, 'refresh'), { operation: 'refresh', keys: target === 'all' ? [] : target }));
      this.#refreshing.add(p);
      void p.then(() => this.#refreshing.delete(p));
    });
  }

  flush(): Promise<void> {
    return this.writes.flush();
  }

  subscribe(listener: StorageListener): () => void {
    if (typeof listener !== 'function') throw new StowageError('invalid-argument', 'subscribe expects a function');
    return this.#emitter.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    await this.writes.flush().catch(() => undefined); // failures were reported already
    this.#state = 'closed';
    this.#unsubscribe();
    this.#pagehide?.target.removeEventListener('pagehide', this.#pagehide.listener);
    await Promise.all([...this.#refreshing]);
    if (this.#owned) await this.storage.close();
  }
}
