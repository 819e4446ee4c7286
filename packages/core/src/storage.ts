import { BACKUP_FORMAT, BACKUP_VERSION, fromBase64, parseBackup, recordsToCsv, toBase64 } from './backup.js';
import type { Backup, BackupEntry } from './backup.js';
import { CodecPipeline } from './codec-pipeline.js';
import type { EncodeIntent } from './codec-pipeline.js';
import type { Driver, DriverOp } from './driver.js';
import { StowageError, toStowageError } from './errors.js';
import { Emitter } from './events.js';
import type { StorageEvent, StorageListener } from './events.js';
import { KeyIndex } from './key-index.js';
import type { KeyMeta } from './key-index.js';
import { memoryDriver } from './memory-driver.js';
import { createMetaStore, RESERVED } from './meta-store.js';
import { broadcastChannel, browserEstimate, defaultLocks, systemClock } from './ports.js';
import type { BroadcastPort, Clock, EstimateFn } from './ports.js';
import { ENVELOPE_VERSION, isExpired, isStoredRecord } from './record.js';
import type { StoredRecord } from './record.js';
import { serializeValue, utf8Length } from './serialize.js';
import type { SerializedValue } from './serialize.js';
import type {
  EntryInfo,
  ExportOptions,
  ImportOptions,
  Migration,
  ReencodeOptions,
  SetOptions,
  Storage,
  StorageConfig,
  StorageInfo,
  StorageOp,
  StorageOptions,
} from './storage-types.js';
import { checkDuration, checkOptions, MAX_KEY_LENGTH, validateKey, validatePrefix } from './validate.js';
import { WriteQueue } from './write-queue.js';

const MB = 1024 * 1024;
const SET_OPTIONS = ['ttl', 'expiresAt', 'compress', 'encrypt'] as const;
const STORAGE_OPTIONS = [
  'driver', 'prefix', 'compression', 'encryption', 'codecs', 'compressThreshold', 'encryptAll', 'limits', 'defaultTtl',
  'sweepInterval', 'schemaVersion', 'migrations', 'fallbackToMemory', 'backupsToKeep', 'clock', 'locks', 'broadcast', 'estimate',
] as const;

/** A change inside one write unit, in user keys. */
type Change = { type: 'put'; key: string; record: StoredRecord } | { type: 'delete'; key: string; reason: 'removed' | 'expired' };

/** One caller's write: its changes commit together or not at all. */
interface Unit {
  prepared: Promise<Change[]>;
  resolve: () => void;
  reject: (err: StowageError) => void;
}

/** What tabs tell each other after a commit. */
type WireMessage =
  | { from: string; prefix: string; kind: 'changes'; changes: ({ type: 'put'; key: string; meta: KeyMeta } | { type: 'delete'; key: string; reason: 'removed' | 'expired' })[] }
  | { from: string; prefix: string; kind: 'clear' }
  | { from: string; prefix: string; kind: 'import'; mode: 'merge' | 'replace'; count: number };

const metaOf = (r: StoredRecord): KeyMeta =>
  r.expiresAt === undefined ? { size: r.size, createdAt: r.createdAt, updatedAt: r.updatedAt } : { size: r.size, createdAt: r.createdAt, updatedAt: r.updatedAt, expiresAt: r.expiresAt };

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
    if (!Number.isInteger(this.#schema) || this.#schema < 1) throw new StowageError('invalid-argument', 'schemaVersion must be an integer ≥ 1');
    this.#migrations = o.migrations ?? {};
    for (const [v, fn] of Object.entries(this.#migrations)) {
      if (!(Number(v) >= 1 && Number(v) <= this.#schema) || typeof fn !== 'function') {
        throw new StowageError('invalid-argument', `migrations[${v}] must be a function for a version from 1 to schemaVersion (${this.#schema})`);
      }
    }
    this.#backupsToKeep = o.backupsToKeep ?? 3;
    const locks = o.locks ?? defaultLocks();
    const ctx = createMetaStore(() => this.#driver(), locks, this.prefix, () => this.#primary.scope);
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
      limits: Object.freeze({ maxValueBytes: this.#maxValue, maxTotalBytes: this.#maxTotal, maxKeyLength: this.#maxKeyLength }),
    });
    if (o.broadcast !== false) {
      this.#bus = (o.broadcast ?? broadcastChannel)(`stowage:${this.#primary.scope}`);
      this.#busOff = this.#bus?.subscribe((m) => this.#onMessage(m as WireMessage));
    }
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
    const enc = await this.#pipeline.encode(s.json, s.bytes, s.value, intent, key);
    const size = utf8Length(key) + enc.bytes;
    this.#checkSize(key, size);
    const now = this.#clock.now();
    const ttl = o?.ttl === null ? undefined : (o?.ttl ?? this.#defaultTtl);
    const expiresAt = times ? times.expiresAt : (o?.expiresAt ?? (ttl === undefined ? undefined : now + ttl));
    const r: StoredRecord = { v: ENVELOPE_VERSION, s: this.#schema, codecs: enc.codecs, createdAt: times?.createdAt ?? now, updatedAt: times?.updatedAt ?? now, size, rawSize: s.bytes };
    if (expiresAt !== undefined) r.expiresAt = expiresAt;
    if (enc.codecs.length === 0) r.value = enc.value;
    else r.data = enc.data as Uint8Array;
    return r;
  }

  #submit(prepare: () => Promise<Change[]>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const prepared = prepare();
      prepared.catch(() => undefined); // settled by #flush; avoid an unhandled-rejection report meanwhile
      this.#writes.submit({ prepared, resolve, reject });
    });
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

  async #flush(units: Unit[]): Promise<void> {
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
    await this.#commit(d, ready, true);
  }

  /** Quota check, one driver batch, then index, events and broadcast. Settles every unit. */
  async #commit(d: Driver, items: [Unit, Change[]][], firstTry: boolean): Promise<void> {
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
    const changes = [...sweep, ...accepted.flatMap(([, cs]) => cs)];
    for (const c of changes) if (c.type === 'put') c.record.createdAt = this.#index.get(c.key)?.createdAt || c.record.createdAt;
    const ops: DriverOp[] = changes.map((c) => (c.type === 'put' ? { type: 'put', key: this.#dp + c.key, value: c.record } : { type: 'delete', key: this.#dp + c.key }));
    try {
      await d.batch(ops);
    } catch (e) {
      const err = toStowageError(e, 'write');
      if (err.code === 'quota-exceeded' && firstTry && (await this.#sweepExpired(d)) > 0) return this.#commit(d, accepted, false);
      // One bad unit must not fail its neighbours: retry each alone so every caller gets its own answer.
      if (accepted.length > 1) {
        for (const item of accepted) await this.#commit(d, [item], false);
        return;
      }
      for (const [u] of accepted) u.reject(err);
      return;
    }
    this.#applied(changes, 'local');
    this.#post({ from: this.#id, prefix: this.prefix, kind: 'changes', changes: changes.map((c) => (c.type === 'put' ? { type: 'put', key: c.key, meta: metaOf(c.record) } : c)) });
    for (const [u] of accepted) u.resolve();
  }

  /** Splits units into those that fit the total limit (in order) and those that don't. */
  #fit(items: [Unit, Change[]][], sweep: Change[]): { accepted: [Unit, Change[]][]; refused: [Unit, Change[], number][] } {
    const overlay = new Map<string, number>();
    const sizeOf = (k: string): number => overlay.get(k) ?? this.#index.get(k)?.size ?? 0;
    let total = this.#index.bytes;
    for (const c of sweep) {
      total -= sizeOf(c.key);
      overlay.set(c.key, 0);
    }
    const accepted: [Unit, Change[]][] = [];
    const refused: [Unit, Change[], number][] = [];
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

  #applied(changes: Change[], source: 'local' | 'remote'): void {
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
    await d.batch(changes.map((c) => ({ type: 'delete', key: this.#dp + c.key })));
    this.#applied(changes, 'local');
    this.#post({ from: this.#id, prefix: this.prefix, kind: 'changes', changes: changes as { type: 'delete'; key: string; reason: 'expired' }[] });
    return changes.length;
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
    if (isExpired(record, this.#clock.now())) {
      const seen = record.updatedAt;
      this.#background('expire', async (d) => {
        const cur = await d.get(this.#dp + key);
        if (!isStoredRecord(cur) || cur.updatedAt !== seen) return;
        await d.batch([{ type: 'delete', key: this.#dp + key }]);
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
        const cur = await d.get(this.#dp + key);
        const same = foreign ? cur !== undefined && !isStoredRecord(cur) : isStoredRecord(cur) && cur.updatedAt === record.updatedAt;
        if (!same) return;
        const next = await this.#record(key, serializeValue(upgraded, key), undefined, this.#intent(undefined, record), record);
        await d.batch([{ type: 'put', key: this.#dp + key, value: next }]);
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
        if (isExpired(r, now)) continue;
        const info: EntryInfo = {
          key: user, size: r.size, rawSize: r.rawSize, codecs: [...r.codecs], createdAt: r.createdAt, updatedAt: r.updatedAt, schema: r.s,
          compressed: r.codecs.some((id) => this.#pipeline.codec(id)?.kind === 'compression'),
          encrypted: r.codecs.length > 0 && this.#pipeline.isEncrypted(r.codecs),
        };
        if (r.expiresAt !== undefined) info.expiresAt = r.expiresAt;
        out.push(info);
      }
      return key === undefined ? out : out[0];
    });
  }

  cleanExpired(): Promise<number> {
    return this.#exclusive('cleanExpired', (d) => this.#sweepExpired(d));
  }

  subscribe(listener: StorageListener): () => void {
    if (typeof listener !== 'function') throw new StowageError('invalid-argument', 'subscribe expects a function');
    return this.#emitter.subscribe(listener);
  }

  // ── backup, migrations, re-encoding ────────────────────────────────────────

  async #liveRecords(d: Driver): Promise<[string, StoredRecord, boolean][]> {
    const now = this.#clock.now();
    const out: [string, StoredRecord, boolean][] = [];
    for (const [k, raw] of await d.entries(this.#dp)) {
      const key = k.slice(this.#dp.length);
      const foreign = !isStoredRecord(raw);
      const r = foreign ? adopt(key, raw) : raw;
      if (!isExpired(r, now)) out.push([key, r, foreign]);
    }
    return out;
  }

  async #export(d: Driver, decrypt: boolean): Promise<Backup> {
    const entries: BackupEntry[] = [];
    for (const [key, r] of await this.#liveRecords(d)) {
      const e: BackupEntry = { key, createdAt: r.createdAt, updatedAt: r.updatedAt, schema: r.s };
      if (r.expiresAt !== undefined) e.expiresAt = r.expiresAt;
      if (r.codecs.length > 0 && !decrypt && this.#pipeline.isEncrypted(r.codecs)) {
        e.data = toBase64(r.data as Uint8Array);
        e.codecs = [...r.codecs];
      } else {
        e.value = await this.#pipeline.decode(r, key);
      }
      entries.push(e);
    }
    return { format: BACKUP_FORMAT, version: BACKUP_VERSION, prefix: this.prefix, exportedAt: this.#clock.now(), entries };
  }

  async exportData(options?: ExportOptions): Promise<Backup> {
    checkOptions(options, ['decrypt'], 'exportData');
    if (this.#writes.busy) await this.#writes.idle();
    return this.#call('exportData', (d) => this.#export(d, options?.decrypt === true));
  }

  async exportCsv(): Promise<string> {
    if (this.#writes.busy) await this.#writes.idle();
    return this.#call('exportCsv', async (d) => {
      const b = await this.#export(d, false);
      return recordsToCsv(b.entries.map((e) => ({
        key: e.key, value: e.value, encrypted: e.data !== undefined, updatedAt: e.updatedAt, ...(e.expiresAt !== undefined ? { expiresAt: e.expiresAt } : {}),
      })));
    });
  }

  async importData(input: unknown, options?: ImportOptions): Promise<number> {
    checkOptions(options, ['mode'], 'importData');
    const mode = options?.mode ?? 'merge';
    if (mode !== 'merge' && mode !== 'replace') throw new StowageError('invalid-argument', `importData mode must be 'merge' or 'replace'`);
    const backup = parseBackup(input);
    const now = this.#clock.now();
    // Build and verify every record before touching the store: an undecryptable entry aborts the import.
    const puts: Change[] = [];
    for (const e of backup.entries) {
      validateKey(e.key, this.#maxKeyLength);
      if (e.expiresAt !== undefined && e.expiresAt <= now) continue;
      const times = { createdAt: e.createdAt, updatedAt: e.updatedAt, ...(e.expiresAt !== undefined ? { expiresAt: e.expiresAt } : {}) };
      let record: StoredRecord;
      if (e.data !== undefined) {
        const data = fromBase64(e.data);
        const plain = await this.#pipeline.decodeBytes(data, e.codecs as string[], e.key);
        record = { v: ENVELOPE_VERSION, s: e.schema, codecs: [...(e.codecs as string[])], data, size: utf8Length(e.key) + data.byteLength, rawSize: plain.byteLength, ...times };
        this.#checkSize(e.key, record.size);
      } else {
        const s = serializeValue(e.value, e.key);
        record = await this.#record(e.key, s, undefined, this.#intent(undefined), times);
        record.s = e.schema;
      }
      puts.push({ type: 'put', key: e.key, record });
    }
    return this.#exclusive('importData', async (d) => {
      await this.#hydrate(d);
      const current = await this.#export(d, false);
      const incoming = new Set(puts.map((c) => c.key));
      const deletes: Change[] = mode === 'replace' ? current.entries.filter((e) => !incoming.has(e.key)).map((e) => ({ type: 'delete', key: e.key, reason: 'removed' })) : [];
      const changes = [...deletes, ...puts];
      const fit = this.#fit([[{} as Unit, changes]], []);
      if (fit.refused.length > 0) {
        throw new StowageError('quota-exceeded', `importing would exceed the ${this.#maxTotal} byte limit of "${this.prefix}"`, { details: { limit: this.#maxTotal } });
      }
      const backupOps = await this.#backupOps(d, current);
      await d.batch([...backupOps, ...changes.map((c): DriverOp => (c.type === 'put' ? { type: 'put', key: this.#dp + c.key, value: c.record } : { type: 'delete', key: this.#dp + c.key }))]);
      for (const c of changes) if (c.type === 'put') this.#index.set(c.key, metaOf(c.record)); else this.#index.delete(c.key);
      this.#emit({ type: 'import', source: 'local', mode, count: puts.length });
      this.#post({ from: this.#id, prefix: this.prefix, kind: 'import', mode, count: puts.length });
      return puts.length;
    });
  }

  #backupPrefix(): string {
    return `${RESERVED}backup/${this.prefix}/`;
  }

  /** Ops that store `current` as the newest automatic backup and prune the oldest. */
  async #backupOps(d: Driver, current: Backup): Promise<DriverOp[]> {
    if (this.#backupsToKeep <= 0 || current.entries.length === 0) return [];
    const existing = await d.keys(this.#backupPrefix());
    const id = String(this.#clock.now()).padStart(15, '0');
    const drop = existing.slice(0, Math.max(0, existing.length + 1 - this.#backupsToKeep));
    return [{ type: 'put', key: this.#backupPrefix() + id, value: current }, ...drop.map((key): DriverOp => ({ type: 'delete', key }))];
  }

  async listBackups(): Promise<{ id: string; createdAt: number; count: number }[]> {
    return this.#call('listBackups', async (d) => {
      const rows = await d.entries(this.#backupPrefix());
      return rows
        .map(([k, b]) => ({ id: k.slice(this.#backupPrefix().length), createdAt: (b as Backup).exportedAt, count: (b as Backup).entries.length }))
        .reverse();
    });
  }

  async restoreBackup(id: string): Promise<number> {
    if (typeof id !== 'string' || id === '') throw new StowageError('invalid-argument', 'restoreBackup expects a backup id');
    const b = await this.#call('restoreBackup', (d) => d.get(this.#backupPrefix() + id));
    if (b === undefined) throw new StowageError('not-found', `no backup "${id}" for "${this.prefix}"`, { details: { id } });
    return this.importData(b, { mode: 'replace' });
  }

  migrate(): Promise<number> {
    return this.#rewrite('migrate', (r, foreign) => foreign || r.s < this.#schema, async (key, r) => {
      const value = await this.#migrateValue(key, await this.#pipeline.decode(r, key), r.s);
      return this.#record(key, serializeValue(value, key), undefined, this.#intent(undefined, r), r);
    });
  }

  reencode(options?: ReencodeOptions): Promise<number> {
    checkOptions(options, ['filter', 'batchSize', 'onProgress'], 'reencode');
    const filter = options?.filter ?? ((ids: readonly string[]) => ids.length > 0);
    return this.#rewrite('reencode', (r) => r.codecs.length > 0 && filter(r.codecs), async (key, r) => {
      const value = await this.#pipeline.decode(r, key);
      const next = await this.#record(key, serializeValue(value, key), undefined, this.#intent(undefined, r), r);
      next.s = r.s;
      return next;
    }, options?.batchSize, options?.onProgress);
  }

  /**
   * Rewrites matching records page by page, each page in its own exclusive step and transaction, and
   * skips records changed since they were read — so writes are never lost and every record stays
   * readable (old and new codecs both decode) throughout.
   */
  async #rewrite(
    what: string,
    match: (r: StoredRecord, foreign: boolean) => boolean,
    transform: (key: string, r: StoredRecord) => Promise<StoredRecord>,
    batchSize = 100,
    onProgress?: (done: number) => void,
  ): Promise<number> {
    checkDuration(batchSize, 'batchSize');
    let after: string | undefined;
    let done = 0;
    for (;;) {
      const page = await this.#exclusive(what, async (d) => {
        const rows = await d.entries(this.#dp, { ...(after !== undefined ? { after } : {}), limit: batchSize });
        const ops: DriverOp[] = [];
        const metas: [string, KeyMeta][] = [];
        for (const [k, raw] of rows) {
          const key = k.slice(this.#dp.length);
          const foreign = !isStoredRecord(raw);
          const r = foreign ? adopt(key, raw) : raw;
          if (!match(r, foreign)) continue;
          const next = await transform(key, r);
          ops.push({ type: 'put', key: k, value: next });
          metas.push([key, metaOf(next)]);
        }
        if (ops.length > 0) await d.batch(ops);
        for (const [key, meta] of metas) if (this.#indexed) this.#index.set(key, meta);
        return { last: rows.at(-1)?.[0], count: ops.length, full: rows.length === batchSize };
      });
      done += page.count;
      if (page.count > 0) onProgress?.(done);
      if (!page.full || page.last === undefined) return done;
      after = page.last;
    }
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

/** Wraps a foreign value (envelope version 0: written before Stowage) as a schema-0 record. */
function adopt(key: string, raw: unknown): StoredRecord {
  return { v: 0, s: 0, value: raw, codecs: [], createdAt: 0, updatedAt: 0, size: utf8Length(key) + foreignSize(raw), rawSize: foreignSize(raw) };
}

function foreignSize(raw: unknown): number {
  try {
    return utf8Length(JSON.stringify(raw) ?? '');
  } catch {
    return 0;
  }
}
