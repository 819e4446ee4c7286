import { checkDuration, defaultLocks, Emitter, queuePrefix, randomId, reservedStore, StowageError, systemClock } from '@stowage/core';
import type { BroadcastFactory, Clock, Driver, IdFactory, LockPort, Storage } from '@stowage/core';
import { createQueue } from '@stowage/queue';
import type { DeadLetter, Queue, QueueEntry, QueueOutcome } from '@stowage/queue';
import { createNetworkMonitor, isReconnect } from './network-monitor.js';
import type { NetworkMonitor } from './network-monitor.js';
import type { CollectionOp, RemoteStore } from './remote-store.js';
import { withTimeout } from './with-timeout.js';

/** An operation as the app adds it: `id` is the document id. */
export interface OfflineOperation {
  type: CollectionOp['type'];
  collection: string;
  id: string;
  data?: Record<string, unknown>;
}

/** A queued operation: the app's operation plus its unique operation id. */
export interface PendingOperation extends OfflineOperation {
  /** Unique operation id: the remote applies it at most once. */
  opId: string;
  /** Epoch ms it was added. */
  addedAt: number;
}

/**
 * What {@link OfflineQueue.cancel} did with each operation id asked for. An operation already
 * being applied when the cancel came is not taken back: the cancel waits for that attempt, and the
 * operation is then `applied` (or `failed`, in the dead-letter list) — never silently lost.
 */
export interface CancelResult {
  /** Removed before any attempt could apply them: they will never reach the remote. */
  cancelled: PendingOperation[];
  /** Pending when the cancel was asked, applied by the attempt it had to wait for. */
  applied: string[];
  /** Refused by the remote meanwhile: in {@link OfflineQueue.failed}. */
  failed: string[];
  /** Not pending when asked (applied earlier, failed earlier, or never added). */
  unknown: string[];
}

/** Events for a "pending sync" badge and for reacting to outcomes. */
export type OfflineQueueEvent =
  | { type: 'pending'; size: number }
  | { type: 'applied'; operations: PendingOperation[] }
  | { type: 'failed'; operation: PendingOperation; error: StowageError }
  | { type: 'error'; operation: string; error: StowageError };

/** Options of {@link createOfflineQueue}. */
export interface OfflineQueueOptions {
  remote: RemoteStore;
  /** Where operations persist: a storage (in its reserved space for the queue) or a driver. */
  storage?: Storage;
  driver?: Driver;
  /** Queue name, for several queues on one store. @default 'ops' */
  name?: string;
  /** Operations per remote call. @default 50 */
  batchSize?: number;
  /** Per-request timeout in ms. @default 20000 */
  requestTimeout?: number;
  network?: NetworkMonitor;
  clock?: Clock;
  locks?: LockPort;
  broadcast?: BroadcastFactory;
  random?: () => number;
  /** @default crypto.randomUUID */
  ids?: IdFactory;
  backoff?: { baseMs?: number; factor?: number; maxMs?: number; jitter?: number };
}

/** An offline operation queue. */
export interface OfflineQueue {
  ready(): Promise<void>;
  /** Persists the operation (resolved once durable) and applies it when online; resolves to its op id. */
  add(op: OfflineOperation): Promise<string>;
  /** Pending operations, in order. */
  list(): Promise<PendingOperation[]>;
  size(): Promise<number>;
  /** Applies pending operations now. */
  flush(): Promise<void>;
  /**
   * Takes pending operations back (the seed's `clearOfflineQueue` for all of them): those with
   * these op ids, or every pending one when `opIds` is omitted. Runs under the queue's flush lock,
   * so no tab applies anything meanwhile; see {@link CancelResult} for operations in flight.
   */
  cancel(opIds?: readonly string[]): Promise<CancelResult>;
  /** Operations the remote refused permanently. */
  failed(): Promise<DeadLetter<PendingOperation>[]>;
  retryFailed(ids?: readonly string[]): Promise<number>;
  /** Drops refused operations (all, or these dead-letter ids). */
  clear(ids?: readonly string[]): Promise<number>;
  /**
   * Deletes the remote's operation markers (what makes a retried operation a duplicate) older than
   * `retentionMs`; resolves to how many, 0 when the remote keeps none. Run it now and then (say,
   * daily): markers otherwise accumulate, one per operation ever applied. An operation is retried
   * after it was applied only when its acknowledgement was lost, so keep `retentionMs` far longer
   * than any client stays offline with such a retry pending. The whole call runs under
   * `requestTimeout`; one that times out keeps what it deleted, and the next goes on. @default 30 days
   */
  collectGarbage(retentionMs?: number): Promise<number>;
  subscribe(listener: (event: OfflineQueueEvent) => void): () => void;
  close(): Promise<void>;
}

const TYPES: readonly CollectionOp['type'][] = ['create', 'update', 'delete', 'set', 'increment'];

function check(op: unknown): OfflineOperation {
  const o = op as Partial<OfflineOperation>;
  if (typeof o !== 'object' || o === null) throw new StowageError('invalid-argument', 'add expects { type, collection, id, data }');
  if (!TYPES.includes(o.type as CollectionOp['type'])) throw new StowageError('invalid-argument', `unknown operation type ${JSON.stringify(o.type)}`, { details: { type: o.type } });
  for (const f of ['collection', 'id'] as const) {
    if (typeof o[f] !== 'string' || o[f] === '') throw new StowageError('invalid-argument', `operation ${f} must be a non-empty string`, { details: { field: f } });
  }
  if (o.type === 'delete' ? o.data !== undefined : typeof o.data !== 'object' || o.data === null || Array.isArray(o.data)) {
    throw new StowageError('invalid-argument', o.type === 'delete' ? 'a delete carries no data' : `a ${o.type} needs a data object`);
  }
  if (o.type === 'increment' && !Object.values(o.data as object).every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new StowageError('invalid-argument', 'increment data maps fields to finite numbers');
  }
  try {
    structuredClone(o.data);
  } catch (e) {
    throw new StowageError('invalid-argument', 'operation data must be cloneable', { cause: e });
  }
  return { type: o.type as CollectionOp['type'], collection: o.collection as string, id: o.id as string, ...(o.data ? { data: o.data } : {}) };
}

/**
 * Creates an offline operation queue: create/update/delete/set/increment operations on cloud
 * collections are persisted before `add` resolves, restored after a reload, applied in order per
 * document when online, and applied exactly once in effect — each carries an operation id that the
 * remote records atomically with the operation, so a retry after a lost acknowledgement is
 * recognised as a duplicate instead of creating or incrementing twice.
 */
export function createOfflineQueue(options: OfflineQueueOptions): OfflineQueue {
  return new OfflineQueueImpl(options);
}

class OfflineQueueImpl implements OfflineQueue {
  readonly #o: OfflineQueueOptions;
  readonly #clock: Clock;
  readonly #network: NetworkMonitor;
  readonly #emitter = new Emitter<OfflineQueueEvent>();
  #queue!: Queue<PendingOperation>;
  #readyP: Promise<void> | undefined;
  #off: (() => void)[] = [];

  constructor(o: OfflineQueueOptions) {
    if (typeof o !== 'object' || o === null || !o.remote || (!o.storage && !o.driver)) {
      throw new StowageError('invalid-argument', 'createOfflineQueue needs { remote, storage | driver }');
    }
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#network = o.network ?? createNetworkMonitor();
  }

  ready(): Promise<void> {
    this.#readyP ??= (async () => {
      const o = this.#o;
      const name = o.name ?? 'ops';
      this.#queue = createQueue<PendingOperation>({
        // On a storage: its reserved space for this queue, written through its write lane.
        driver: o.driver ?? reservedStore(o.storage as Storage, queuePrefix(name)),
        name,
        handler: (entries, signal) => this.#apply(entries, signal),
        batchSize: o.batchSize ?? 50,
        clock: this.#clock,
        locks: o.locks ?? defaultLocks(),
        ...(o.broadcast ? { broadcast: o.broadcast } : {}),
        ...(o.random ? { random: o.random } : {}),
        ...(o.backoff ? { backoff: o.backoff } : {}),
      });
      const badge = (): void => {
        void this.#queue.size().then((size) => this.#emitter.emit({ type: 'pending', size }), () => undefined);
      };
      this.#off.push(
        this.#queue.subscribe((e) => {
          if (e.type === 'enqueued' || e.type === 'succeeded' || e.type === 'removed' || e.type === 'dead-lettered' || e.type === 'drained') badge();
          if (e.type === 'succeeded' && e.source === 'local') this.#emitter.emit({ type: 'applied', operations: e.entries.map((x) => x.payload) });
          if (e.type === 'dead-lettered' && e.source === 'local') this.#emitter.emit({ type: 'failed', operation: e.letter.entry.payload, error: e.letter.error });
          if (e.type === 'error') this.#emitter.emit({ type: 'error', operation: e.operation, error: e.error });
        }),
        this.#network.subscribe((next, previous) => {
          if (!next.online) return this.#queue.pause();
          if (this.#queue.paused) this.#queue.resume();
          if (isReconnect(previous, next)) void this.#queue.resetBackoff().then(() => this.#queue.flush()).catch(() => undefined);
        }),
      );
      if (!this.#network.state().online) this.#queue.pause();
    })();
    return this.#readyP;
  }

  async #apply(entries: readonly QueueEntry<PendingOperation>[], signal: AbortSignal): Promise<QueueOutcome[]> {
    const ops: CollectionOp[] = entries.map(({ payload: p }) => ({ id: p.opId, type: p.type, collection: p.collection, doc: p.id, ...(p.data ? { data: p.data } : {}) }));
    try {
      const outcomes = await withTimeout(this.#clock, this.#o.requestTimeout ?? 20_000, 'apply', (s) => this.#o.remote.apply(ops, s), signal);
      this.#network.reportSuccess();
      return outcomes.map((r): QueueOutcome => (r.status === 'rejected' ? { status: 'dead', error: r.error } : { status: 'done' }));
    } catch (e) {
      this.#network.reportFailure(e);
      throw e;
    }
  }

  async add(op: OfflineOperation): Promise<string> {
    const checked = check(op);
    await this.ready();
    const opId = (this.#o.ids ?? randomId)();
    await this.#queue.enqueue({ ...checked, opId, addedAt: this.#clock.now() }, { scope: `${checked.collection}/${checked.id}` });
    return opId;
  }

  async list(): Promise<PendingOperation[]> {
    await this.ready();
    return (await this.#queue.list()).map((e) => e.payload);
  }

  async size(): Promise<number> {
    await this.ready();
    return this.#queue.size();
  }

  async flush(): Promise<void> {
    await this.ready();
    await this.#queue.flush();
  }

  async cancel(opIds?: readonly string[]): Promise<CancelResult> {
    if (opIds !== undefined && (!Array.isArray(opIds) || !opIds.every((id) => typeof id === 'string'))) {
      throw new StowageError('invalid-argument', 'cancel expects an array of operation ids');
    }
    await this.ready();
    const asked = new Set(opIds ?? []);
    const wanted = (p: PendingOperation): boolean => opIds === undefined || asked.has(p.opId);
    // What was pending when asked; an attempt in flight may still apply some of it.
    const before = new Set((await this.#queue.list()).map((e) => e.payload).filter(wanted).map((p) => p.opId));
    const entries = await this.#queue.exclusive(async () => {
      const pending = (await this.#queue.list()).filter((e) => wanted(e.payload));
      await this.#queue.remove(pending);
      return pending;
    });
    const cancelled = entries.map((e) => e.payload);
    const gone = new Set(cancelled.map((p) => p.opId));
    const dead = new Set((await this.#queue.deadLetters()).map((d) => d.entry.payload.opId));
    const result: CancelResult = { cancelled, applied: [], failed: [], unknown: [] };
    for (const id of opIds ?? [...before]) {
      if (gone.has(id)) continue;
      if (!before.has(id)) result.unknown.push(id);
      else if (dead.has(id)) result.failed.push(id);
      else result.applied.push(id);
    }
    return result;
  }

  async failed(): Promise<DeadLetter<PendingOperation>[]> {
    await this.ready();
    return this.#queue.deadLetters();
  }

  async retryFailed(ids?: readonly string[]): Promise<number> {
    await this.ready();
    return this.#queue.retryDead(ids);
  }

  async clear(ids?: readonly string[]): Promise<number> {
    await this.ready();
    return this.#queue.dropDead(ids);
  }

  async collectGarbage(retentionMs = 30 * 24 * 3600_000): Promise<number> {
    checkDuration(retentionMs, 'retentionMs');
    const purge = this.#o.remote.purgeOperations?.bind(this.#o.remote);
    if (!purge) return 0;
    const before = this.#clock.now() - retentionMs;
    return withTimeout(this.#clock, this.#o.requestTimeout ?? 20_000, 'purgeOperations', (s) => purge(before, s));
  }

  subscribe(listener: (event: OfflineQueueEvent) => void): () => void {
    if (typeof listener !== 'function') throw new StowageError('invalid-argument', 'subscribe expects a function');
    return this.#emitter.subscribe(listener);
  }

  async close(): Promise<void> {
    for (const off of this.#off.splice(0)) off();
    if (this.#readyP) {
      await this.#readyP.catch(() => undefined);
      await this.#queue.close();
    }
  }
}
