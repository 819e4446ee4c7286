import { Emitter, StowageError, toStowageError } from '@stowage/core';
import type { BroadcastPort, DriverOp } from '@stowage/core';
import { backoffDelay } from './backoff.js';
import { CoalesceIndex } from './coalesce-index.js';
import type { QueueContext } from './context.js';
import { checkIds, dropDeadLetters, readDeadLetters, retryDeadLetters } from './dead-letters.js';
import { drain } from './drain.js';
import { SeqGenerator, queueKeys } from './keys.js';
import { resolveOptions } from './options.js';
import type { QueueOptions, ResolvedOptions } from './options.js';
import { isEntryRecord, toEntry, toRecord } from './record.js';
import { checkEnqueueOptions } from './enqueue-options.js';
import { followRemote } from './remote-events.js';
import { resetEntries } from './reset-backoff.js';
import { FlushScheduler } from './scheduler.js';
import type { DeadLetter, EnqueueOptions, FlushReport, PreparedEntry, Queue, QueueEntry, QueueEvent, QueueListener } from './types.js';
import { fromWire, toWire } from './wire.js';

/**
 * Creates a durable operation queue (outbox) on a driver. Entries are persisted before `enqueue`
 * resolves (or atomically with the caller's data via `prepare` + `committed`), handed to `handler`
 * in batches — in order within a scope, one tab at a time — and removed only once the handler says
 * `done` or `dead`. Delivery is at least once: the handler must be idempotent.
 *
 * @example
 * ```ts
 * const outbox = createQueue<Op>({
 *   driver: indexedDbDriver({ dbName: 'app', durability: 'strict' }),
 *   name: 'ops',
 *   handler: (entries, signal) => remote.apply(entries.map((e) => e.payload), signal).then(toOutcomes),
 * });
 * await outbox.enqueue({ type: 'update', doc: 'todos/1', data: { done: true } }, { scope: 'todos/1' });
 * ```
 */
export function createQueue<T>(options: QueueOptions<T>): Queue<T> {
  return new QueueImpl<T>(resolveOptions(options));
}

class QueueImpl<T> implements Queue<T> {
  readonly #o: ResolvedOptions<T>;
  readonly #ctx: QueueContext<T>;
  readonly #emitter = new Emitter<QueueEvent<T>>();
  readonly #prepared = new WeakSet<PreparedEntry<T>>();
  readonly #abort = new AbortController();
  readonly #bus: BroadcastPort | undefined;
  readonly #unsubscribeBus: () => void;
  readonly #scheduler: FlushScheduler;
  #ready: Promise<void> | undefined;
  #paused = false;
  #closing: Promise<void> | undefined;

  constructor(o: ResolvedOptions<T>) {
    this.#o = o;
    const keys = queueKeys(o.name);
    this.#ctx = { options: o, keys, seq: new SeqGenerator(o.clock), index: new CoalesceIndex(), inFlight: new Set(), batchLimit: o.batchSize, emit: (e) => this.#emit(e) };
    this.#scheduler = new FlushScheduler({
      clock: o.clock,
      locks: o.locks,
      lockName: `stowage:queue:${o.driver.scope}:${o.name}`,
      autoFlush: o.autoFlush,
      stopped: () => this.#paused || this.#closing !== undefined,
      ready: () => this.#ensureReady(),
      drain: (control) => drain(this.#ctx, { ...control, signal: this.#abort.signal }),
      retryDelay: (failures) => backoffDelay(failures, o.backoff, o.random),
      pollMs: o.backoff.baseMs,
      resetBackoff: () => resetEntries(this.#ctx),
      onError: (error) => this.#emit({ type: 'error', operation: 'flush', error }),
    });
    let bus: BroadcastPort | undefined;
    try {
      bus = o.broadcast(`stowage:queue:${o.driver.scope}:${o.name}`);
    } catch {
      bus = undefined; // no cross-tab events; every tab still reads the driver when it flushes
    }
    this.#bus = bus;
    this.#unsubscribeBus = bus ? bus.subscribe((m) => this.#onRemote(m)) : () => undefined;
    // Entries left by an earlier session (or another tab) are delivered without waiting for a new enqueue.
    this.#scheduler.kick();
  }

  get name(): string {
    return this.#o.name;
  }

  get paused(): boolean {
    return this.#paused;
  }

  #check(op: string): void {
    if (this.#closing) throw new StowageError('closed', `queue ${op}: the queue is closed`, { details: { queue: this.#o.name } });
  }

  /** Opens the driver and learns the coalescing keys and the highest ids in the store (once). */
  #ensureReady(): Promise<void> {
    this.#ready ??= (async () => {
      const { driver } = this.#o;
      const { keys, seq, index } = this.#ctx;
      await driver.open();
      for (const [key, value] of await driver.entries(keys.pending)) {
        const id = key.slice(keys.pending.length);
        seq.observe(id);
        if (isEntryRecord(value)) index.note({ id, ...(value.coalesceKey !== undefined ? { coalesceKey: value.coalesceKey } : {}) });
      }
      for (const key of await driver.keys(keys.dead)) seq.observe(key.slice(keys.dead.length));
    })().catch((err: unknown) => {
      this.#ready = undefined; // let the next call try again (e.g. the database was blocked)
      throw toStowageError(err, 'queue open');
    });
    return this.#ready;
  }

  #emit(event: QueueEvent<T>): void {
    this.#emitter.emit(event);
    const message = toWire(event as QueueEvent<unknown>);
    if (message && this.#bus) this.#bus.post(message);
  }

  #onRemote(message: unknown): void {
    const event = fromWire<T>(message);
    if (!event || this.#closing) return;
    if (event.type === 'enqueued') this.#ctx.seq.observe(event.entry.id);
    followRemote(event, this.#ctx.index, this.#scheduler);
    this.#emitter.emit(event);
  }

  async prepare(payload: T, options?: EnqueueOptions): Promise<PreparedEntry<T>> {
    // No closed check: a prepared entry commits in its caller's transaction, so a write that
    // commits while (or after) the queue closes is still recorded, for the next session to deliver.
    const { scope, coalesceKey } = checkEnqueueOptions(options);
    let snapshot: T;
    try {
      // Snapshot now: later mutations by the caller must not change what was enqueued.
      snapshot = structuredClone(payload);
    } catch (err) {
      throw toStowageError(err, 'queue enqueue: payload must be structured-cloneable');
    }
    await this.#ensureReady();
    const { driver, maxEntries, clock } = this.#o;
    const { keys, seq, index, inFlight } = this.#ctx;
    const pendingCount = maxEntries === Infinity ? 0 : (await driver.keys(keys.pending)).length;
    const latest = index.latest(coalesceKey);
    // A newer entry sorts after the one it follows, whatever this tab's clock says: ids are how
    // every tab tells newer from older (another tab's clock may be ahead of this one's).
    if (latest !== undefined) seq.observe(latest);
    const replaces = latest !== undefined && !inFlight.has(latest) ? latest : undefined;
    if (pendingCount + (replaces ? 0 : 1) > maxEntries) {
      throw new StowageError('quota-exceeded', `queue ${this.#o.name}: ${pendingCount} pending entries, maxEntries is ${maxEntries}`, {
        details: { queue: this.#o.name, maxEntries, size: pendingCount },
      });
    }
    const now = clock.now();
    const entry: QueueEntry<T> = {
      id: seq.next(),
      payload: snapshot,
      ...(scope !== undefined ? { scope } : {}),
      ...(coalesceKey !== undefined ? { coalesceKey } : {}),
      enqueuedAt: now,
      attempts: 0,
      nextAttemptAt: now,
    };
    const ops: DriverOp[] = [{ type: 'put', key: keys.pending + entry.id, value: toRecord(entry) }];
    if (replaces) ops.push({ type: 'delete', key: keys.pending + replaces });
    const prepared: PreparedEntry<T> = { ops, entry, ...(replaces ? { replaces } : {}) };
    this.#prepared.add(prepared);
    return prepared;
  }

  committed(prepared: PreparedEntry<T> | readonly PreparedEntry<T>[]): void {
    const list = (Array.isArray(prepared) ? prepared : [prepared]) as readonly PreparedEntry<T>[];
    if (!list.every((p) => this.#prepared.has(p)) || new Set(list).size !== list.length) {
      throw new StowageError('invalid-argument', 'queue committed: pass the objects returned by this queue\'s prepare(), each once');
    }
    for (const p of list) {
      this.#prepared.delete(p);
      this.#ctx.index.note(p.entry);
      this.#emit({ type: 'enqueued', source: 'local', entry: p.entry, ...(p.replaces ? { replaced: p.replaces } : {}) });
    }
    if (!this.#closing) this.#scheduler.kick();
  }

  removeOps(entries: readonly Pick<QueueEntry<T>, 'id'>[]): DriverOp[] {
    return entries.map((e) => ({ type: 'delete', key: this.#ctx.keys.pending + e.id }));
  }

  removed(entries: readonly QueueEntry<T>[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.#ctx.index.forget(e);
    this.#emit({ type: 'removed', source: 'local', entries });
  }

  async remove(entries: readonly QueueEntry<T>[]): Promise<void> {
    this.#check('remove');
    if (entries.length === 0) return;
    await this.#o.driver.batch(this.removeOps(entries));
    this.removed(entries);
  }

  async enqueue(payload: T, options?: EnqueueOptions): Promise<QueueEntry<T>> {
    this.#check('enqueue');
    const prepared = await this.prepare(payload, options);
    await this.#o.driver.batch(prepared.ops);
    this.committed(prepared);
    return prepared.entry;
  }

  flush(): Promise<FlushReport> {
    if (this.#closing) return Promise.reject(new StowageError('closed', 'queue flush: the queue is closed'));
    return this.#scheduler.flush();
  }

  async resetBackoff(): Promise<void> {
    this.#check('resetBackoff');
    await this.#ensureReady();
    await this.#scheduler.resetBackoff();
  }

  pause(): void {
    this.#paused = true;
    this.#scheduler.cancelTimer();
  }

  resume(): void {
    this.#paused = false;
    if (!this.#closing) this.#scheduler.kick();
  }

  async exclusive<R>(fn: () => Promise<R>): Promise<R> {
    this.#check('exclusive');
    return this.#scheduler.exclusive(fn);
  }

  latest(coalesceKey: string): string | undefined {
    return this.#ctx.index.latest(coalesceKey);
  }

  async size(): Promise<number> {
    this.#check('size');
    await this.#ensureReady();
    return (await this.#o.driver.keys(this.#ctx.keys.pending)).length;
  }

  async list(): Promise<QueueEntry<T>[]> {
    this.#check('list');
    await this.#ensureReady();
    const { pending } = this.#ctx.keys;
    const out: QueueEntry<T>[] = [];
    for (const [key, value] of await this.#o.driver.entries(pending)) if (isEntryRecord(value)) out.push(toEntry<T>(key.slice(pending.length), value));
    return out;
  }

  async deadLetters(): Promise<DeadLetter<T>[]> {
    this.#check('deadLetters');
    await this.#ensureReady();
    return (await readDeadLetters<T>(this.#o.driver, this.#ctx.keys)).letters;
  }

  async retryDead(ids?: readonly string[]): Promise<number> {
    checkIds(ids, 'queue retryDead');
    this.#check('retryDead');
    await this.#ensureReady();
    const moved = await retryDeadLetters(this.#ctx, ids);
    if (moved.length > 0) this.#scheduler.kick();
    return moved.length;
  }

  async dropDead(ids?: readonly string[]): Promise<number> {
    checkIds(ids, 'queue dropDead');
    this.#check('dropDead');
    await this.#ensureReady();
    return dropDeadLetters(this.#ctx, ids);
  }

  subscribe(listener: QueueListener<T>): () => void {
    if (typeof listener !== 'function') throw new StowageError('invalid-argument', 'queue subscribe: listener must be a function');
    return this.#emitter.subscribe(listener);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#scheduler.cancelTimer();
      this.#abort.abort(new StowageError('aborted', 'queue closed'));
      // The batch in flight still records its outcomes (and tells other tabs) before the bus closes.
      await this.#scheduler.idle();
      this.#unsubscribeBus();
      this.#bus?.close();
    })();
    return this.#closing;
  }
}
