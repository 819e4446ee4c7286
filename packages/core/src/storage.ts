import type { Backup } from './backup.js';
import type { CommitCheck } from './codec.js';
import { CodecPipeline } from './codec-pipeline.js';
import type { EncodeIntent } from './codec-pipeline.js';
import type { Driver, DriverOp } from './driver.js';
import { StowageError, toStowageError } from './errors.js';
import { Emitter } from './events.js';
import type { StorageEvent, StorageListener } from './events.js';
import { KeyIndex } from './key-index.js';
import type { KeyMeta } from './key-index.js';
import { memoryDriver } from './memory-driver.js';
import { createMetaStore, metaKey } from './meta-store.js';
import type { MetaStore } from './meta-store.js';
import { broadcastChannel, browserEstimate, defaultLocks, systemClock } from './ports.js';
import type { BroadcastPort, Clock, EstimateFn } from './ports.js';
import { ENVELOPE_VERSION, isExpired, isStoredRecord } from './record.js';
import type { StoredRecord } from './record.js';
import { serializeValue, utf8Length } from './serialize.js';
import type { SerializedValue } from './serialize.js';
import { adopt, checkFailed, foreignSize, metaOf, sameVersion } from './storage-context.js';
import type { Change, CommitOrigin, StorageContext } from './storage-context.js';
import type {
  ApplyRecordItem,
  CommitChange,
  CommitHook,
  EntryInfo,
  ExportOptions,
  HookOrigin,
  ImportOptions,
  Migration,
  ReencodeOptions,
  ScanEntry,
  SetOptions,
  Storage,
  StorageConfig,
  StorageInfo,
  StorageOp,
  StorageOptions,
} from './storage-types.js';
import { checkDuration, checkOptions, checkSchema, MAX_KEY_LENGTH, validateKey, validatePrefix } from './validate.js';
import { WriteQueue } from './write-queue.js';

const MB = 1024 * 1024;
const SET_OPTIONS = ['ttl', 'expiresAt', 'compress', 'encrypt'] as const;
const STORAGE_OPTIONS = [
  'driver', 'prefix', 'compression', 'encryption', 'codecs', 'compressThreshold', 'encryptAll', 'limits', 'defaultTtl',
  'sweepInterval', 'schemaVersion', 'migrations', 'fallbackToMemory', 'backupsToKeep', 'clock', 'locks', 'broadcast', 'estimate',
] as const;

/** One caller's write: its changes commit together or not at all. */
interface Unit {
  /** Encodes the write; run again when a commit check finds the encoding stale. */
  prepare: () => Promise<Change[]>;
  prepared: Promise<Change[]>;
  resolve: () => void;
  reject: (err: StowageError) => void;
}

/** What tabs tell each other after a commit. */
type WireMessage =
  | { from: string; prefix: string; kind: 'changes'; changes: ({ type: 'put'; key: string; meta: KeyMeta } | { type: 'delete'; key: string; reason: 'removed' | 'expired' })[] }
  | { from: string; prefix: string; kind: 'clear' }
  | { from: string; prefix: string; kind: 'import'; mode: 'merge' | 'replace'; count: number }
  | { from: string; prefix: string; kind: 'meta'; name: string };

/**
 * Creates a namespaced storage over a driver: TTL, codec pipeline (serialize → compress → encrypt),
 * limits, auto-batched writes, atomic batches, change events across tabs, backup and migrations.
 *
 * @example
 * const storage = createStorage({ driver: indexedDbDriver(), prefix: 'app' });
 * await storage.set('user', { name: 'Ada' }, { ttl: 60_000 });
 */
export function createStorage(options: StorageOptions = {}): Storage {
  return new StorageImpl(options);
}

class StorageImpl implements Storage {
  readonly prefix: string;
  readonly config: StorageConfig;
  readonly #dp: string;
  readonly #primary: Driver;
  readonly #fallback: boolean;
  readonly #clock: Clock;
  readonly #estimate: EstimateFn;
  readonly #pipeline: CodecPipeline;
  readonly #maxValue: number;
  readonly #maxTotal: number;
  readonly #maxKeyLength: number;
  readonly #defaultTtl: number | undefined;
  readonly #encryptAll: boolean;
  readonly #schema: number;
  readonly #migrations: Readonly<Record<number, Migration>>;
  readonly #backupsToKeep: number;
  readonly #emitter = new Emitter<StorageEvent>();
  readonly #index = new KeyIndex();
  readonly #writes = new WriteQueue<Unit>((units) => this.#flush(units));
  readonly #id = Math.random().toString(36).slice(2);
  #indexed = false;
  #driverP: Promise<Driver> | undefined;
  #bus: BroadcastPort | undefined;
  #busOff: (() => void) | undefined;
  #sweepTimer: unknown;
  #closed = false;
  #hooks: CommitHook[] = [];
  readonly #ctx: StorageContext;
  readonly #meta: MetaStore;
  /** The codec's commit condition of each record encoded here (see `Codec.commitCheck`). */
  readonly #checks = new WeakMap<StoredRecord, CommitCheck>();

  constructor(o: StorageOptions) {
    checkOptions(o, STORAGE_OPTIONS, 'createStorage');
    this.prefix = o.prefix ?? 'stowage';
    validatePrefix(this.prefix);
    this.#dp = `${this.prefix}:`;
    this.#primary = o.driver ?? memoryDriver();
    this.#fallback = o.fallbackToMemory ?? true;
    this.#clock = o.clock ?? systemClock;
    this.#estimate = o.estimate ?? browserEstimate;
    checkOptions(o.limits, ['maxValueBytes', 'maxTotalBytes', 'maxKeyLength'], 'createStorage limits');
    this.#maxValue = o.limits?.maxValueBytes ?? MB;
    this.#maxTotal = o.limits?.maxTotalBytes ?? 10 * MB;
    this.#maxKeyLength = o.limits?.maxKeyLength ?? MAX_KEY_LENGTH;
    checkDuration(this.#maxValue, 'limits.maxValueBytes');
    checkDuration(this.#maxTotal, 'limits.maxTotalBytes');
    if (o.defaultTtl !== undefined) checkDuration(o.defaultTtl, 'defaultTtl');
    this.#defaultTtl = o.defaultTtl;
    this.#encryptAll = o.encryptAll ?? false;
    this.#schema = o.schemaVersion ?? 1;
    checkSchema(this.#schema, 'schemaVersion');
    this.#migrations = o.migrations ?? {};
    for (const [v, fn] of Object.entries(this.#migrations)) {
      if (!(Number(v) >= 1 && Number(v) <= this.#schema) || typeof fn !== 'function') {
        throw new StowageError('invalid-argument', `migrations[${v}] must be a function for a version from 1 to schemaVersion (${this.#schema})`);
      }
    }
    this.#backupsToKeep = o.backupsToKeep ?? 3;
    const locks = o.locks ?? defaultLocks();
    const ctx = createMetaStore(() => this.#driver(), locks, this.prefix, () => this.#primary.scope, (name) =>
      this.#post({ from: this.#id, prefix: this.prefix, kind: 'meta', name }),
    );
    this.#meta = ctx;
    this.#pipeline = new CodecPipeline({
      ...(o.compression ? { compression: o.compression } : {}),
      ...(o.encryption ? { encryption: o.encryption } : {}),
      ...(o.codecs ? { codecs: o.codecs } : {}),
      compressThreshold: o.compressThreshold ?? 1024,
      ctx,
    });
    this.config = Object.freeze({
      prefix: this.prefix,
      encryption: o.encryption !== undefined,
      compression: o.compression !== undefined,
      encryptAll: this.#encryptAll,
      defaultTtl: this.#defaultTtl,
      schemaVersion: this.#schema,
      limits: Object.freeze({ maxValueBytes: this.#maxValue, maxTotalBytes: this.#maxTotal, maxKeyLength: this.#maxKeyLength }),
    });
    if (o.broadcast !== false) {
      this.#bus = (o.broadcast ?? broadcastChannel)(`stowage:${this.#primary.scope}`);
      this.#busOff = this.#bus?.subscribe((m) => this.#onMessage(m as WireMessage));
    }
    this.#ctx = this.#context();
    if (o.sweepInterval !== undefined) {
      checkDuration(o.sweepInterval, 'sweepInterval');
      const every = o.sweepInterval;
      const tick = (): void => {
        this.#sweepTimer = this.#clock.setTimeout(() => {
          void this.cleanExpired()
            .catch((e: unknown) => this.#emit({ type: 'error', operation: 'sweep', error: toStowageError(e, 'sweep') }))
            .finally(() => !this.#closed && tick());
        }, every);
      };
      tick();
    }
  }

  // ── plumbing ───────────────────────────────────────────────────────────────

  /** The internals the backup and rewrite modules work with. */
  #context(): StorageContext {
    return {
      prefix: this.prefix,
      dp: this.#dp,
      clock: this.#clock,
      pipeline: this.#pipeline,
      index: this.#index,
      schema: this.#schema,
      maxKeyLength: this.#maxKeyLength,
      backupsToKeep: this.#backupsToKeep,
      exclusive: (what, fn) => this.#exclusive(what, fn),
      read: async (what, fn) => {
        if (this.#writes.busy) await this.#writes.idle();
        return this.#call(what, fn);
      },
      hydrate: (d) => this.#hydrate(d),
      record: (key, s, o, intent, times) => this.#record(key, s, o, intent, times),
      intent: (o, record) => this.#intent(o, record),
      checkSize: (key, size) => this.#checkSize(key, size),
      migrateValue: (key, value, from) => this.#migrateValue(key, value, from),
      fits: (changes) => this.#fits(changes),
      write: (d, changes, origin, extra) => this.#write(d, changes, origin, extra),
      hooks: (changes, origin) => this.#hooked(changes, origin),
      batch: (d, ops, records) => this.#batch(d, ops, records),
      imported: (mode, count) => {
        this.#emit({ type: 'import', source: 'local', mode, count });
        this.#post({ from: this.#id, prefix: this.prefix, kind: 'import', mode, count });
      },
    };
  }

  /** Runs a public operation: closed check, and every failure as a StowageError. */
  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    this.#open();
    try {
      return await fn();
    } catch (e) {
      throw toStowageError(e, 'storage');
    }
  }

  #open(): void {
    if (this.#closed) throw new StowageError('closed', `storage "${this.prefix}" is closed`);
  }

  #driver(): Promise<Driver> {
    this.#driverP ??= (async () => {
      try {
        await this.#primary.open();
        return this.#primary;
      } catch (e) {
        const err = toStowageError(e, `open ${this.#primary.name}`);
        if (!this.#fallback || err.code !== 'unavailable') {
          this.#driverP = undefined; // let a later call try again
          throw err;
        }
        const mem = memoryDriver({ name: `fallback:${this.#primary.scope}` });
        await mem.open();
        // Another tab's writes are not in our memory, and ours are not in theirs: stop pretending to share.
        this.#busOff?.();
        this.#bus?.close();
        this.#bus = undefined;
        this.#emit({ type: 'fallback', from: this.#primary.name, to: mem.name, error: err });
        return mem;
      }
    })();
    return this.#driverP;
  }

  #emit(e: StorageEvent): void {
    this.#emitter.emit(e);
  }

  async #call<T>(what: string, fn: (d: Driver) => Promise<T>): Promise<T> {
    this.#open();
    try {
      return await fn(await this.#driver());
    } catch (e) {
      throw toStowageError(e, what);
    }
  }

  #intent(o: SetOptions | undefined, record?: StoredRecord): EncodeIntent {
    if (record) {
      return {
        compress: record.codecs.some((id) => this.#pipeline.codec(id)?.kind === 'compression'),
        encrypt: this.#pipeline.isEncrypted(record.codecs.filter((id) => this.#pipeline.codec(id)?.kind !== 'compression')),
      };
    }
    return { ...(o?.compress !== undefined ? { compress: o.compress } : {}), encrypt: o?.encrypt ?? this.#encryptAll };
  }

  #checkSet(key: unknown, value: unknown, o: SetOptions | undefined): SerializedValue {
    validateKey(key, this.#maxKeyLength);
    checkOptions(o, SET_OPTIONS, 'set');
    if (o?.ttl !== undefined && o.ttl !== null) checkDuration(o.ttl, 'ttl');
    if (o?.expiresAt !== undefined && (typeof o.expiresAt !== 'number' || !Number.isFinite(o.expiresAt))) {
      throw new StowageError('invalid-argument', 'expiresAt must be epoch milliseconds', { details: { key } });
    }
    for (const flag of ['compress', 'encrypt'] as const) {
      if (o?.[flag] !== undefined && typeof o[flag] !== 'boolean') throw new StowageError('invalid-argument', `${flag} must be a boolean`, { details: { key } });
    }
    if (this.#intent(o).encrypt && !this.#pipeline.encryption) {
      throw new StowageError('invalid-argument', 'encrypt: true needs createStorage({ encryption })', { details: { key } });
    }
    const s = serializeValue(value, key);
    // Without compression the stored size is known now: fail before any work. Otherwise after encoding.
    if (!this.#pipeline.compression || o?.compress === false) this.#checkSize(key, utf8Length(key) + s.bytes);
    return s;
  }

  #checkSize(key: string, size: number): void {
    if (size > this.#maxValue) {
      throw new StowageError('too-large', `"${key}" needs ${size} bytes, over the per-key limit of ${this.#maxValue}`, {
        details: { key, size, limit: this.#maxValue },
      });
    }
  }

  /** Builds the record of a checked value (encoding outside any transaction). */
  async #record(key: string, s: SerializedValue, o: SetOptions | undefined, intent: EncodeIntent, times?: Partial<StoredRecord>): Promise<StoredRecord> {
    const enc = await this.#pipeline.encode(s, intent, key);
    const size = utf8Length(key) + enc.bytes;
    this.#checkSize(key, size);
    const now = this.#clock.now();
    const ttl = o?.ttl === null ? undefined : (o?.ttl ?? this.#defaultTtl);
    const expiresAt = times ? times.expiresAt : (o?.expiresAt ?? (ttl === undefined ? undefined : now + ttl));
    const r: StoredRecord = { v: ENVELOPE_VERSION, s: this.#schema, codecs: enc.codecs, createdAt: times?.createdAt ?? now, updatedAt: times?.updatedAt ?? now, size, rawSize: s.bytes };
    if (expiresAt !== undefined) r.expiresAt = expiresAt;
    if (enc.codecs.length === 0) r.value = enc.value;
    else r.data = enc.data as Uint8Array;
    if (enc.check) this.#checks.set(r, enc.check);
    return r;
  }

  #submit(prepare: () => Promise<Change[]>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#writes.submit({ prepare, prepared: prepared(prepare), resolve, reject });
    });
  }

  /**
   * One driver batch of `ops`, preceded by the commit checks of the `records` encoded here, so a
   * ciphertext under a key another tab has just rotated away is never committed. When such a
   * check fails, the codec is told its metadata changed and the batch rejects with `conflict`
   * (`details.reason: 'stale-encoding'`): encode again, then retry.
   */
  async #batch(d: Driver, ops: readonly DriverOp[], records: Iterable<StoredRecord>): Promise<void> {
    const guards = new Map<string, CommitCheck>();
    const seen = new Set<CommitCheck>();
    const checks: DriverOp[] = [];
    for (const r of records) {
      const check = this.#checks.get(r);
      if (!check || seen.has(check)) continue;
      seen.add(check);
      const key = metaKey(this.prefix, check.meta);
      guards.set(key, check);
      checks.push({ type: 'check', key, test: (v) => check.test(v) });
    }
    try {
      await d.batch(checks.length > 0 ? [...checks, ...ops] : ops);
    } catch (e) {
      const guard = checkFailed(e) ? guards.get(String(e.details.key)) : undefined;
      if (!guard) throw e;
      this.#meta.changed(guard.meta);
      throw new StowageError('conflict', `metadata "${guard.meta}" changed since encoding (a key rotation?)`, {
        cause: e,
        details: { reason: 'stale-encoding', meta: guard.meta },
      });
    }
  }

  async #hydrate(d: Driver): Promise<void> {
    if (this.#indexed) return;
    this.#index.clear();
    for (const [k, raw] of await d.entries(this.#dp)) {
      const key = k.slice(this.#dp.length);
      this.#index.set(key, isStoredRecord(raw) ? metaOf(raw) : { size: utf8Length(key) + foreignSize(raw), createdAt: 0, updatedAt: 0 });
    }
    this.#indexed = true;
  }

  // ── the write path ─────────────────────────────────────────────────────────

  async #flush(units: Unit[], attempt = 0): Promise<void> {
    const settled = await Promise.allSettled(units.map((u) => u.prepared));
    const ready: [Unit, Change[]][] = [];
    settled.forEach((s, i) => {
      const u = units[i] as Unit;
      if (s.status === 'fulfilled') ready.push([u, s.value]);
      else u.reject(toStowageError(s.reason, 'encode'));
    });
    if (ready.length === 0) return;
    let d: Driver;
    try {
      d = await this.#driver();
      await this.#hydrate(d);
    } catch (e) {
      const err = toStowageError(e, 'write');
      for (const [u] of ready) u.reject(err);
      return;
    }
    await this.#commit(d, ready, true, attempt);
  }

  /**
   * Quota check, one driver batch, then index, events and broadcast. Settles every unit. A batch
   * that failed a check (stale encoding, a swept record another tab rewrote) is prepared again and
   * retried, at most {@link RETRIES} times.
   */
  async #commit(d: Driver, items: [Unit, readonly Change[]][], firstTry: boolean, attempt = 0): Promise<void> {
    const now = this.#clock.now();
    let { accepted, refused } = this.#fit(items, []);
    let sweep: Change[] = [];
    if (refused.length > 0) {
      // Quota pressure: expired records go first, in the same transaction.
      const touched = new Set(items.flatMap(([, cs]) => cs.map((c) => c.key)));
      sweep = this.#index.expired(now).filter(([k]) => !touched.has(k)).map(([key]) => ({ type: 'delete', key, reason: 'expired' }));
      if (sweep.length > 0) ({ accepted, refused } = this.#fit(items, sweep));
    }
    for (const [u, , need] of refused) {
      u.reject(new StowageError('quota-exceeded', `namespace "${this.prefix}" would exceed its ${this.#maxTotal} byte limit`, {
        details: { limit: this.#maxTotal, used: this.#index.bytes, need },
      }));
    }
    if (accepted.length === 0) return;
    try {
      await this.#write(d, [...sweep, ...accepted.flatMap(([, cs]) => cs)], 'local', this.#stillExpired(sweep, now));
    } catch (e) {
      const err = toStowageError(e, 'write');
      if (checkFailed(err) && attempt < RETRIES) {
        // Re-encode only when the encoding went stale; a failed sweep check just runs the fit again.
        const units = accepted.map(([u]) => u);
        if (err.details.reason === 'stale-encoding') for (const u of units) u.prepared = prepared(u.prepare);
        else this.#indexed = false; // the index was wrong about a swept record: read it again
        return this.#flush(units, attempt + 1);
      }
      if (err.code === 'quota-exceeded' && firstTry && (await this.#sweepExpired(d)) > 0) return this.#commit(d, accepted, false, attempt);
      // One bad unit must not fail its neighbours: retry each alone so every caller gets its own answer.
      if (accepted.length > 1) {
        for (const item of accepted) await this.#commit(d, [item], false, attempt);
        return;
      }
      for (const [u] of accepted) u.reject(err);
      return;
    }
    for (const [u] of accepted) u.resolve();
  }

  /**
   * One atomic driver batch: `extra` ops, the changes, and the ops commit hooks add for them (e.g.
   * outbox entries, so data and its outbox entry can never be kept one without the other). Then the
   * index, events, other tabs and the hooks' `committed`. Expiry sweeps are not logical changes:
   * hooks do not see them.
   */
  async #write(d: Driver, changes: readonly Change[], origin: CommitOrigin, extra: readonly DriverOp[] = []): Promise<void> {
    if (origin === 'local') {
      for (const c of changes) if (c.type === 'put') c.record.createdAt = this.#index.get(c.key)?.createdAt || c.record.createdAt;
    }
    const hooked = await this.#hooked(changes.filter((c) => c.type === 'put' || c.reason !== 'expired'), origin);
    const ops: DriverOp[] = changes.map((c) => (c.type === 'put' ? { type: 'put', key: this.#dp + c.key, value: c.record } : { type: 'delete', key: this.#dp + c.key }));
    await this.#batch(d, [...extra, ...ops, ...hooked.ops], puts(changes));
    const source = origin === 'sync' ? 'remote' : 'local';
    this.#applied(changes, source);
    this.#post({ from: this.#id, prefix: this.prefix, kind: 'changes', changes: changes.map((c) => (c.type === 'put' ? { type: 'put', key: c.key, meta: metaOf(c.record) } : c)) });
    hooked.committed();
  }

  /** The commit hooks' ops for `changes` (to commit in the same batch), and their `committed` call. */
  async #hooked(changes: readonly CommitChange[], origin: HookOrigin): Promise<{ ops: DriverOp[]; committed(): void }> {
    if (changes.length === 0 || this.#hooks.length === 0) return { ops: [], committed: () => undefined };
    const hooks = this.#hooks;
    const ops = (await Promise.all(hooks.map((h) => h.ops(changes, origin)))).flat();
    return { ops, committed: () => hooks.forEach((h) => h.committed?.(changes, origin)) };
  }

  /** Whether `changes` fit the total limit. */
  #fits(changes: readonly Change[]): boolean {
    return this.#fit([[{} as Unit, changes]], []).refused.length === 0;
  }

  /** Splits units into those that fit the total limit (in order) and those that don't. */
  #fit(items: [Unit, readonly Change[]][], sweep: readonly Change[]): { accepted: [Unit, readonly Change[]][]; refused: [Unit, readonly Change[], number][] } {
    const overlay = new Map<string, number>();
    const sizeOf = (k: string): number => overlay.get(k) ?? this.#index.get(k)?.size ?? 0;
    let total = this.#index.bytes;
    for (const c of sweep) {
      total -= sizeOf(c.key);
      overlay.set(c.key, 0);
    }
    const accepted: [Unit, readonly Change[]][] = [];
    const refused: [Unit, readonly Change[], number][] = [];
    for (const [u, cs] of items) {
      const local = new Map<string, number>();
      let delta = 0;
      for (const c of cs) {
        const before = local.get(c.key) ?? sizeOf(c.key);
        const after = c.type === 'put' ? c.record.size : 0;
        delta += after - before;
        local.set(c.key, after);
      }
      if (delta > 0 && total + delta > this.#maxTotal) {
        refused.push([u, cs, delta]);
        continue;
      }
      total += delta;
      for (const [k, v] of local) overlay.set(k, v);
      accepted.push([u, cs]);
    }
    return { accepted, refused };
  }

  #applied(changes: readonly Change[], source: 'local' | 'remote'): void {
    for (const c of changes) {
      if (c.type === 'put') {
        this.#index.set(c.key, metaOf(c.record));
        const r = c.record;
        this.#emit(r.expiresAt === undefined
          ? { type: 'set', key: c.key, source, size: r.size, updatedAt: r.updatedAt }
          : { type: 'set', key: c.key, source, size: r.size, updatedAt: r.updatedAt, expiresAt: r.expiresAt });
      } else {
        this.#index.delete(c.key);
        this.#emit({ type: 'remove', key: c.key, source, reason: c.reason });
      }
    }
  }

  #post(m: WireMessage): void {
    this.#bus?.post(m);
  }

  #onMessage(m: WireMessage): void {
    if (!m || m.from === this.#id || m.prefix !== this.prefix || this.#closed) return;
    switch (m.kind) {
      case 'changes':
        for (const c of m.changes) {
          if (c.type === 'put') {
            if (this.#indexed) this.#index.set(c.key, c.meta);
            const e: StorageEvent = { type: 'set', key: c.key, source: 'remote', size: c.meta.size, updatedAt: c.meta.updatedAt };
            if (c.meta.expiresAt !== undefined) e.expiresAt = c.meta.expiresAt;
            this.#emit(e);
          } else {
            if (this.#indexed) this.#index.delete(c.key);
            this.#emit({ type: 'remove', key: c.key, source: 'remote', reason: c.reason });
          }
        }
        return;
      case 'clear':
        this.#index.clear();
        this.#emit({ type: 'clear', source: 'remote' });
        return;
      case 'import':
        this.#indexed = false; // re-read on next need
        this.#emit({ type: 'import', source: 'remote', mode: m.mode, count: m.count });
        return;
      case 'meta':
        this.#meta.changed(m.name); // e.g. a key rotation: the codec re-reads its keyring
        return;
    }
  }

  /** Deletes expired records that are still the ones the index saw (another tab may have rewritten them). */
  async #sweepExpired(d: Driver): Promise<number> {
    await this.#hydrate(d);
    const expired = this.#index.expired(this.#clock.now());
    if (expired.length === 0) return 0;
    const current = await d.getMany(expired.map(([k]) => this.#dp + k));
    const now = this.#clock.now();
    const changes: Change[] = [];
    expired.forEach(([key], i) => {
      const raw = current[i];
      if (raw === undefined) this.#index.delete(key);
      else if (isStoredRecord(raw) && isExpired(raw, now)) changes.push({ type: 'delete', key, reason: 'expired' });
    });
    if (changes.length === 0) return 0;
    try {
      await this.#write(d, changes, 'local', this.#stillExpired(changes, now));
    } catch (e) {
      if (checkFailed(e)) return 0; // another tab rewrote one of them meanwhile: sweep again later
      throw e;
    }
    return changes.length;
  }

  /**
   * Checks that make deletes of expired records delete nothing another tab has rewritten since
   * (and announce nothing for a key another tab removed meanwhile).
   */
  #stillExpired(deletes: readonly Change[], now: number): DriverOp[] {
    return deletes.map((c) => ({ type: 'check', key: this.#dp + c.key, test: (v) => isStoredRecord(v) && isExpired(v, now) }));
  }

  /** Queues a background write (lazy expiry, migration write-back); failures become 'error' events. */
  #background(operation: string, fn: (d: Driver) => Promise<void>): void {
    if (this.#closed) return;
    this.#writes
      .exclusive(async () => fn(await this.#driver()))
      .catch((e: unknown) => this.#emit({ type: 'error', operation, error: toStowageError(e, operation) }));
  }

  // ── the read path ──────────────────────────────────────────────────────────

  /** Decodes a raw stored value; `NONE` when absent or expired. Schedules lazy cleanup/upgrades. */
  async #read(key: string, raw: unknown): Promise<unknown> {
    if (raw === undefined) return NONE;
    const foreign = !isStoredRecord(raw);
    const record: StoredRecord = foreign ? adopt(key, raw) : raw;
    const now = this.#clock.now();
    if (isExpired(record, now)) {
      this.#background('expire', async (d) => {
        const gone: Change = { type: 'delete', key, reason: 'expired' };
        try {
          await d.batch([...this.#stillExpired([gone], now), { type: 'delete', key: this.#dp + key }]);
        } catch (e) {
          if (checkFailed(e)) return; // rewritten meanwhile (here or in another tab)
          throw e;
        }
        this.#applied([{ type: 'delete', key, reason: 'expired' }], 'local');
        this.#post({ from: this.#id, prefix: this.prefix, kind: 'changes', changes: [{ type: 'delete', key, reason: 'expired' }] });
      });
      return NONE;
    }
    let value = await this.#pipeline.decode(record, key);
    if (record.s < this.#schema || foreign) {
      value = await this.#migrateValue(key, value, record.s);
      const upgraded = value;
      this.#background('migrate', async (d) => {
        const next = await this.#record(key, serializeValue(upgraded, key), undefined, this.#intent(undefined, record), record);
        try {
          await this.#batch(d, [{ type: 'check', key: this.#dp + key, test: sameVersion(raw) }, { type: 'put', key: this.#dp + key, value: next }], [next]);
        } catch (e) {
          if (checkFailed(e)) return; // rewritten meanwhile; the next read upgrades what is there now
          throw e;
        }
        this.#index.set(key, metaOf(next));
      });
    }
    return value;
  }

  async #migrateValue(key: string, value: unknown, from: number): Promise<unknown> {
    let v = value;
    for (let to = from + 1; to <= this.#schema; to++) {
      const m = this.#migrations[to];
      if (!m) continue;
      try {
        v = await m(v, { key, from: to - 1, to });
      } catch (e) {
        throw new StowageError('decode-failed', `migration to schema ${to} failed for "${key}"`, { cause: e, details: { key, to } });
      }
    }
    return v;
  }

  // ── public API ─────────────────────────────────────────────────────────────

  async ready(): Promise<void> {
    await this.#call('open', async () => undefined);
  }

  set(key: string, value: unknown, options?: SetOptions): Promise<void> {
    try {
      this.#open();
      const s = this.#checkSet(key, value, options);
      const intent = this.#intent(options);
      return this.#submit(async () => [{ type: 'put', key, record: await this.#record(key, s, options, intent) }]);
    } catch (e) {
      return Promise.reject(toStowageError(e, 'set'));
    }
  }

  async get<T>(key: string, defaultValue?: T): Promise<T | undefined> {
    validateKey(key, this.#maxKeyLength);
    if (this.#writes.busy) await this.#writes.idle(); // read your own writes
    const v = await this.#call(`get "${key}"`, async (d) => this.#read(key, await d.get(this.#dp + key)));
    return v === NONE ? defaultValue : (v as T);
  }

  async getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    if (!Array.isArray(keys)) throw new StowageError('invalid-argument', 'getMany expects an array of keys');
    for (const k of keys) validateKey(k, this.#maxKeyLength);
    if (this.#writes.busy) await this.#writes.idle();
    return this.#call('getMany', async (d) => {
      const raws = await d.getMany(keys.map((k) => this.#dp + k));
      const values = await Promise.all(raws.map((raw, i) => this.#read(keys[i] as string, raw)));
      return values.map((v) => (v === NONE ? undefined : (v as T)));
    });
  }

  setMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>, options?: SetOptions): Promise<void> {
    try {
      if (typeof entries !== 'object' || entries === null) throw new StowageError('invalid-argument', 'setMany expects an object or an iterable of [key, value]');
      const list = Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, unknown]>)] : Object.entries(entries);
      return this.batch(list.map(([key, value]) => (options ? { type: 'set', key, value, options } : { type: 'set', key, value })));
    } catch (e) {
      return Promise.reject(toStowageError(e, 'setMany'));
    }
  }

  remove(key: string): Promise<void> {
    return this.batch([{ type: 'remove', key }]);
  }

  batch(ops: readonly StorageOp[]): Promise<void> {
    try {
      this.#open();
      if (!Array.isArray(ops)) throw new StowageError('invalid-argument', 'batch expects an array of operations');
      const checked = ops.map((op: StorageOp, index) => {
        try {
          if (op?.type === 'set') return { op, s: this.#checkSet(op.key, op.value, op.options), intent: this.#intent(op.options) };
          if (op?.type === 'remove') {
            validateKey(op.key, this.#maxKeyLength);
            return { op };
          }
          throw new StowageError('invalid-argument', `unknown operation type ${JSON.stringify((op as { type?: unknown })?.type)}`);
        } catch (e) {
          const err = toStowageError(e, 'batch');
          throw new StowageError(err.code, `batch operation ${index}: ${err.message}`, { cause: err, details: { ...err.details, index } });
        }
      });
      return this.#submit(() =>
        Promise.all(checked.map(async ({ op, s, intent }): Promise<Change> =>
          op.type === 'set' ? { type: 'put', key: op.key, record: await this.#record(op.key, s as SerializedValue, op.options, intent as EncodeIntent) } : { type: 'delete', key: op.key, reason: 'removed' },
        )),
      );
    } catch (e) {
      return Promise.reject(toStowageError(e, 'batch'));
    }
  }

  async has(key: string): Promise<boolean> {
    validateKey(key, this.#maxKeyLength);
    if (this.#writes.busy) await this.#writes.idle();
    return this.#call('has', async (d) => {
      const raw = await d.get(this.#dp + key);
      return raw !== undefined && !(isStoredRecord(raw) && isExpired(raw, this.#clock.now()));
    });
  }

  async keys(): Promise<string[]> {
    if (this.#writes.busy) await this.#writes.idle();
    return this.#call('keys', async (d) => {
      const now = this.#clock.now();
      return (await d.entries(this.#dp)).filter(([, raw]) => !(isStoredRecord(raw) && isExpired(raw, now))).map(([k]) => k.slice(this.#dp.length));
    });
  }

  clear(): Promise<void> {
    return this.#exclusive('clear', async (d) => {
      if (this.#hooks.length > 0) {
        // Hooks (e.g. the sync outbox) need every deleted key, in the same transaction.
        await this.#hydrate(d);
        const keys = (await d.keys(this.#dp)).map((k) => k.slice(this.#dp.length));
        await this.#write(d, keys.map((key) => ({ type: 'delete', key, reason: 'removed' })), 'local');
        return;
      }
      await d.clear(this.#dp);
      this.#index.clear();
      this.#indexed = true;
      this.#emit({ type: 'clear', source: 'local' });
      this.#post({ from: this.#id, prefix: this.prefix, kind: 'clear' });
    });
  }

  #exclusive<T>(what: string, fn: (d: Driver) => Promise<T>): Promise<T> {
    try {
      this.#open();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#writes.exclusive(() => this.#call(what, fn));
  }

  info(): Promise<StorageInfo> {
    return this.#exclusive('info', async (d) => {
      await this.#hydrate(d);
      const live = this.#index.live(this.#clock.now());
      const info: StorageInfo = {
        keys: live.keys.sort(),
        currentSize: Math.ceil(live.bytes / 1024),
        limitSize: Math.floor(this.#maxTotal / 1024),
        usage: live.bytes / this.#maxTotal,
        persistent: d.capabilities.persistent,
        driver: d.name,
      };
      const estimate = await this.#estimate();
      if (estimate) info.estimate = estimate;
      return info;
    });
  }

  inspect(key: string): Promise<EntryInfo | undefined>;
  inspect(): Promise<EntryInfo[]>;
  async inspect(key?: string): Promise<EntryInfo | undefined | EntryInfo[]> {
    if (key !== undefined) validateKey(key, this.#maxKeyLength);
    if (this.#writes.busy) await this.#writes.idle();
    return this.#call('inspect', async (d) => {
      const now = this.#clock.now();
      const rows: [string, unknown][] = key === undefined ? await d.entries(this.#dp) : [[this.#dp + key, await d.get(this.#dp + key)]];
      const out: EntryInfo[] = [];
      for (const [k, raw] of rows) {
        if (raw === undefined) continue;
        const user = k.slice(this.#dp.length);
        const r = isStoredRecord(raw) ? raw : adopt(user, raw);
        if (!isExpired(r, now)) out.push(this.#entryInfo(user, r));
      }
      return key === undefined ? out : out[0];
    });
  }

  #entryInfo(key: string, r: StoredRecord): EntryInfo {
    const plain = r.codecs.length === 0; // the common case: no lookups, no copies
    const info: EntryInfo = {
      key, size: r.size, rawSize: r.rawSize, codecs: plain ? [] : [...r.codecs], createdAt: r.createdAt, updatedAt: r.updatedAt, schema: r.s,
      compressed: !plain && r.codecs.some((id) => this.#pipeline.codec(id)?.kind === 'compression'),
      encrypted: !plain && this.#pipeline.isEncrypted(r.codecs),
    };
    if (r.expiresAt !== undefined) info.expiresAt = r.expiresAt;
    return info;
  }

  async scan<T = unknown>(): Promise<ScanEntry<T>[]> {
    if (this.#writes.busy) await this.#writes.idle();
    return this.#call('scan', async (d) => {
      const now = this.#clock.now();
      const out: ScanEntry<T>[] = [];
      const decoding: Promise<void>[] = [];
      for (const [k, raw] of await d.entries(this.#dp)) {
        const key = k.slice(this.#dp.length);
        const r = isStoredRecord(raw) ? raw : adopt(key, raw);
        if (isExpired(r, now)) continue;
        const entry: ScanEntry<T> = { key, info: this.#entryInfo(key, r) };
        out.push(entry);
        // A current, unencoded record holds its value as stored: no decoding, no promise per entry.
        if (r.v !== 0 && r.codecs.length === 0 && r.s === this.#schema) entry.value = r.value as T;
        else {
          decoding.push(this.#read(key, raw).then(
            (v) => {
              if (v !== NONE) entry.value = v as T;
            },
            (e: unknown) => {
              entry.error = toStowageError(e, `read "${key}"`);
            },
          ));
        }
      }
      await Promise.all(decoding);
      return decoding.length > 0 ? out.filter((e) => 'value' in e || e.error) : out; // expired while decoding
    });
  }

  cleanExpired(): Promise<number> {
    return this.#exclusive('cleanExpired', (d) => this.#sweepExpired(d));
  }

  subscribe(listener: StorageListener): () => void {
    if (typeof listener !== 'function') throw new StowageError('invalid-argument', 'subscribe expects a function');
    return this.#emitter.subscribe(listener);
  }

  // ── backup, migrations, re-encoding (storage-backup.ts, storage-rewrite.ts) ──

  // Loaded on first use (a lazy chunk in app bundles): most apps never back up, migrate eagerly or
  // re-encode, and should not download that code with every page. Nothing else in core may be
  // lazy: a service worker cannot import(), and the sync engine runs storages there
  // (scripts/check-deps.mjs holds the list).
  exportData(options?: ExportOptions): Promise<Backup> {
    return this.#guard(async () => (await import('./storage-backup.js')).exportData(this.#ctx, options));
  }

  exportCsv(): Promise<string> {
    return this.#guard(async () => (await import('./storage-backup.js')).exportCsv(this.#ctx));
  }

  importData(input: unknown, options?: ImportOptions): Promise<number> {
    return this.#guard(async () => (await import('./storage-backup.js')).importData(this.#ctx, input, options));
  }

  listBackups(): Promise<{ id: string; createdAt: number; count: number }[]> {
    return this.#guard(async () => (await import('./storage-backup.js')).listBackups(this.#ctx));
  }

  restoreBackup(id: string): Promise<number> {
    return this.#guard(async () => (await import('./storage-backup.js')).restoreBackup(this.#ctx, id));
  }

  migrate(): Promise<number> {
    return this.#guard(async () => (await import('./storage-rewrite.js')).migrate(this.#ctx));
  }

  reencode(options?: ReencodeOptions): Promise<number> {
    return this.#guard(async () => (await import('./storage-rewrite.js')).reencode(this.#ctx, options));
  }

  // ── raw records, for the sync engine ───────────────────────────────────────

  addCommitHook(hook: CommitHook): () => void {
    if (typeof hook !== 'object' || hook === null || typeof hook.ops !== 'function') {
      throw new StowageError('invalid-argument', 'addCommitHook expects { ops(changes, origin), committed?(changes, origin) }');
    }
    this.#hooks.push(hook);
    return () => {
      this.#hooks = this.#hooks.filter((h) => h !== hook);
    };
  }

  async getRecord(key: string): Promise<StoredRecord | undefined> {
    validateKey(key, this.#maxKeyLength);
    return this.#ctx.read('getRecord', async (d) => {
      const raw = await d.get(this.#dp + key);
      return raw === undefined ? undefined : isStoredRecord(raw) ? raw : adopt(key, raw);
    });
  }

  applyRecords(items: readonly ApplyRecordItem[], options?: { origin?: CommitOrigin }): Promise<string[]> {
    try {
      this.#open();
      if (!Array.isArray(items)) throw new StowageError('invalid-argument', 'applyRecords expects an array');
      checkOptions(options, ['origin'], 'applyRecords');
      const origin = options?.origin ?? 'sync';
      // Validate everything before the exclusive step: a bad item fails the whole call.
      const encode = items.map((it, i): (() => Promise<Change>) => {
        validateKey(it?.key, this.#maxKeyLength);
        if ('record' in it && it.record !== undefined) {
          if (!isStoredRecord(it.record)) {
            throw new StowageError('invalid-argument', `applyRecords item ${i} ("${it.key}") is not a stored record`, { details: { index: i, key: it.key } });
          }
          const record = it.record;
          return async () => ({ type: 'put', key: it.key, record: { ...record } });
        }
        if ('value' in it && it.value !== undefined) {
          const o: SetOptions = it.expiresAt === undefined ? { ttl: null } : { expiresAt: it.expiresAt };
          const s = this.#checkSet(it.key, it.value, o);
          const schema = it.schema ?? this.#schema;
          checkSchema(schema, 'schema');
          return () =>
            this.#record(it.key, s, o, this.#intent(undefined)).then((record): Change => {
              record.s = schema; // the same object: its commit check is keyed by it
              return { type: 'put', key: it.key, record };
            });
        }
        return async () => ({ type: 'delete', key: it.key, reason: 'removed' });
      });
      const guarded = items.filter((it) => it.expectUpdatedAt !== undefined);
      const at = (raw: unknown): number | null => (raw === undefined ? null : isStoredRecord(raw) ? raw.updatedAt : 0);
      const attempt = async (n: number): Promise<string[]> => {
        const all = await Promise.all(encode.map((e) => e()));
        try {
          return await this.#exclusive('applyRecords', async (d) => {
            await this.#hydrate(d);
            const current = guarded.length > 0 ? await d.getMany(guarded.map((it) => this.#dp + it.key)) : [];
            const stale = new Set<string>();
            guarded.forEach((it, i) => {
              if (at(current[i]) !== it.expectUpdatedAt) stale.add(it.key);
            });
            const changes = all.filter((c) => !stale.has(c.key));
            if (!this.#fits(changes)) throw new StowageError('quota-exceeded', `applying would exceed the size limit of "${this.prefix}"`);
            // The expectations hold in the committing transaction too, not only when read above.
            const expect: DriverOp[] = guarded.filter((it) => !stale.has(it.key)).map((it) => ({ type: 'check', key: this.#dp + it.key, test: (v) => at(v) === it.expectUpdatedAt }));
            if (changes.length > 0) await this.#write(d, changes, origin, expect);
            return changes.map((c) => c.key);
          });
        } catch (e) {
          if (checkFailed(e) && n < RETRIES) return attempt(n + 1); // another tab wrote meanwhile: decide again
          throw e;
        }
      };
      return attempt(0);
    } catch (e) {
      return Promise.reject(toStowageError(e, 'applyRecords'));
    }
  }

  async driver(): Promise<Driver> {
    this.#open();
    return this.#driver();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#clock.clearTimeout(this.#sweepTimer);
    await this.#writes.idle();
    this.#closed = true;
    this.#busOff?.();
    this.#bus?.close();
    if (this.#driverP) await (await this.#driverP.catch(() => undefined))?.close();
  }
}

const NONE = Symbol('none');

/** How often a write whose commit check failed is prepared again before it rejects. */
const RETRIES = 3;

/** Starts encoding a write; its failure is reported by the flush that awaits it. */
function prepared(prepare: () => Promise<Change[]>): Promise<Change[]> {
  const p = prepare();
  p.catch(() => undefined); // settled by #flush; avoid an unhandled-rejection report meanwhile
  return p;
}

function* puts(changes: readonly Change[]): Iterable<StoredRecord> {
  for (const c of changes) if (c.type === 'put') yield c.record;
}
