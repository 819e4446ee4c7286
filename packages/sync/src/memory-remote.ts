import { StowageError, systemClock, validateKey, type Clock } from '@stowage/core';
import { checkCollectionOp, checkRemoteChange } from './remote-input.js';
import { remoteCloudTier, type RemoteCloudTier, type RemoteCloudTierOptions } from './remote-cloud-tier.js';
import type {
  ApplyOutcome, Checkpoint, CollectionOp, PullResult, PushOutcome, RemoteChange, RemoteDoc, RemoteStore,
} from './remote-store.js';

/** Options of {@link memoryRemote}. */
export interface MemoryRemoteOptions {
  /**
   * Wall clock for the write times that {@link RemoteStore.purgeTombstones} and
   * {@link RemoteStore.purgeOperations} compare.
   * @default systemClock
   */
  clock?: Clock;
}

/** Failure injection for tests of code that talks to a remote. */
export interface MemoryRemoteFaults {
  /** The next `count` calls (any method) reject with `error` before doing anything. @default count 1, `unavailable` */
  failNext(count?: number, error?: StowageError): void;
  /** The next `count` push/apply calls are applied, then reject with `unavailable` (a lost acknowledgement). @default 1 */
  loseNextAck(count?: number): void;
  /** Removes every pending fault. */
  clear(): void;
}

/** A {@link RemoteStore} held in memory, with test hooks. */
export interface MemoryRemote extends Required<RemoteStore> {
  readonly faults: MemoryRemoteFaults;
  /** How many times each method was called (faulted calls included). */
  readonly calls: { push: number; get: number; pull: number; apply: number; purgeTombstones: number; purgeOperations: number };
  /** The current state of a synced key (tombstones included), as pull would return it. */
  peek(key: string): RemoteDoc | undefined;
  /** A copy of a collection document written by `apply`, or `undefined`. */
  readDoc(collection: string, doc: string): Record<string, unknown> | undefined;
}

interface Entry {
  doc: RemoteDoc;
  /** Fake server time: one tick per write call, like a Firestore commit time shared by a commit. */
  tick: number;
  writtenAt: number;
}

type Marker = ({ status: 'applied' } | { status: 'rejected'; error: StowageError }) & { at: number };

const CHECKPOINT = /^mem1:(\d+):([\s\S]+)$/;
const MAX_PULL_LIMIT = 10_000;

/**
 * Creates an in-memory {@link RemoteStore} with the semantics of the Firestore remote: compare-and-set
 * push (idempotent by hlc + origin), pull ordered by a monotonic fake server time then key, collection
 * operations applied atomically per call and at most once per id (a marker per id, also for rejected
 * operations so a retry reports the same outcome). Values are copied in and out, like a real network.
 *
 * @example
 * ```ts
 * const remote = memoryRemote();
 * remote.faults.loseNextAck();          // the next push is applied, then rejects `unavailable`
 * ```
 */
export function memoryRemote(options: MemoryRemoteOptions = {}): MemoryRemote {
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, Entry>();
  const collections = new Map<string, Map<string, Record<string, unknown>>>();
  const markers = new Map<string, Marker>();
  const calls = { push: 0, get: 0, pull: 0, apply: 0, purgeTombstones: 0, purgeOperations: 0 };
  const failures: StowageError[] = [];
  let lostAcks = 0;
  let tick = 0;

  /** Every call passes here first: a real network would be asynchronous, and faults apply. */
  async function enter(method: keyof typeof calls, signal: AbortSignal | undefined): Promise<void> {
    calls[method]++;
    await Promise.resolve();
    if (signal?.aborted) throw new StowageError('aborted', `${method} aborted`, { cause: signal.reason });
    const failure = failures.shift();
    if (failure) throw failure;
  }

  function acknowledge<T>(method: string, result: T): T {
    if (lostAcks === 0) return result;
    lostAcks--;
    throw new StowageError('unavailable', `${method}: connection lost before the acknowledgement (applied)`);
  }

  async function push(changes: readonly RemoteChange[], signal?: AbortSignal): Promise<PushOutcome[]> {
    if (!Array.isArray(changes)) throw new StowageError('invalid-argument', 'push expects an array of changes');
    await enter('push', signal);
    const now = ++tick;
    const outcomes = changes.map((input): PushOutcome => {
      const checked = checkRemoteChange(input);
      if (checked instanceof StowageError) return { status: 'rejected', key: keyOf(input), error: checked };
      const { change, json } = checked;
      const current = entries.get(change.key)?.doc;
      if (current && current.hlc === change.hlc && current.origin === change.origin) return { status: 'applied', key: change.key, hlc: change.hlc };
      if ((current?.hlc ?? null) !== change.base) return { status: 'conflict', key: change.key, remote: current && copyDoc(current) };
      entries.set(change.key, { doc: toDoc(change, json), tick: now, writtenAt: clock.now() });
      return { status: 'applied', key: change.key, hlc: change.hlc };
    });
    return acknowledge('push', outcomes);
  }

  async function get(key: string, signal?: AbortSignal): Promise<RemoteDoc | undefined> {
    validateKey(key);
    await enter('get', signal);
    const e = entries.get(key);
    return e && copyDoc(e.doc);
  }

  async function pull(checkpoint: Checkpoint | undefined, limit: number, signal?: AbortSignal): Promise<PullResult> {
    const after = parseCheckpoint(checkpoint);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PULL_LIMIT) {
      throw new StowageError('invalid-argument', `pull limit must be an integer in 1..${MAX_PULL_LIMIT}`, { details: { limit } });
    }
    await enter('pull', signal);
    const page = [...entries.values()]
      .filter((e) => !after || e.tick > after.tick || (e.tick === after.tick && e.doc.key > after.key))
      .sort((a, b) => a.tick - b.tick || (a.doc.key < b.doc.key ? -1 : a.doc.key > b.doc.key ? 1 : 0))
      .slice(0, limit);
    const last = page.at(-1);
    return { docs: page.map((e) => copyDoc(e.doc)), checkpoint: last ? `mem1:${last.tick}:${last.doc.key}` : checkpoint };
  }

  async function apply(ops: readonly CollectionOp[], signal?: AbortSignal): Promise<ApplyOutcome[]> {
    if (!Array.isArray(ops)) throw new StowageError('invalid-argument', 'apply expects an array of operations');
    await enter('apply', signal);
    const outcomes = ops.map((op): ApplyOutcome => {
      const id = typeof op?.id === 'string' ? op.id : String(op?.id);
      const problem = checkCollectionOp(op);
      const marker = problem ? undefined : markers.get(id);
      if (marker) return marker.status === 'applied' ? { status: 'duplicate', id } : { status: 'rejected', id, error: marker.error };
      const error = problem ?? applyOne(op);
      // A rejected operation is remembered too: a retry must not apply it once the document changed.
      if (!problem) markers.set(id, error ? { status: 'rejected', error, at: clock.now() } : { status: 'applied', at: clock.now() });
      return error ? { status: 'rejected', id, error } : { status: 'applied', id };
    });
    return acknowledge('apply', outcomes);
  }

  function applyOne(op: CollectionOp): StowageError | undefined {
    let docs = collections.get(op.collection);
    if (!docs) collections.set(op.collection, (docs = new Map()));
    const current = docs.get(op.doc);
    const data = structuredClone(op.data ?? {});
    switch (op.type) {
      case 'create':
        if (current) return opError('conflict', op, 'already-exists', 'the document already exists');
        docs.set(op.doc, data);
        return undefined;
      case 'update':
        if (!current) return opError('not-found', op, 'not-found', 'the document does not exist');
        docs.set(op.doc, { ...current, ...data });
        return undefined;
      case 'set':
        docs.set(op.doc, data);
        return undefined;
      case 'delete':
        docs.delete(op.doc);
        return undefined;
      case 'increment': {
        const next = { ...current };
        for (const [field, delta] of Object.entries(data as Record<string, number>)) {
          const old = next[field];
          next[field] = typeof old === 'number' ? old + delta : delta;
        }
        docs.set(op.doc, next);
        return undefined;
      }
    }
  }

  async function purgeTombstones(before: number, signal?: AbortSignal): Promise<number> {
    if (!Number.isFinite(before)) throw new StowageError('invalid-argument', 'purgeTombstones expects a finite epoch-ms time');
    await enter('purgeTombstones', signal);
    let purged = 0;
    for (const [key, e] of entries) {
      if (e.doc.deleted && e.writtenAt < before) {
        entries.delete(key);
        purged++;
      }
    }
    return purged;
  }

  async function purgeOperations(before: number, signal?: AbortSignal): Promise<number> {
    if (!Number.isFinite(before)) throw new StowageError('invalid-argument', 'purgeOperations expects a finite epoch-ms time');
    await enter('purgeOperations', signal);
    let purged = 0;
    for (const [id, m] of markers) {
      if (m.at < before) {
        markers.delete(id);
        purged++;
      }
    }
    return purged;
  }

  return {
    push, get, pull, apply, purgeTombstones, purgeOperations, calls,
    faults: {
      failNext: (count = 1, error = new StowageError('unavailable', 'injected failure')) => {
        for (let i = 0; i < count; i++) failures.push(error);
      },
      loseNextAck: (count = 1) => void (lostAcks += count),
      clear: () => {
        failures.length = 0;
        lostAcks = 0;
      },
    },
    peek: (key) => {
      const e = entries.get(key);
      return e && copyDoc(e.doc);
    },
    readDoc: (collection, doc) => {
      const data = collections.get(collection)?.get(doc);
      return data && structuredClone(data);
    },
  };
}

/**
 * A cloud tier held in memory, for tests: {@link remoteCloudTier} over a fresh
 * {@link memoryRemote} (reachable as `remote`, with its faults and `peek`).
 *
 * @example
 * const cloud = memoryCloudTier();
 * const user = await createCacheManager({ storage }).get('userInfo', { loader: cloud.get });
 */
export function memoryCloudTier(options: MemoryRemoteOptions & RemoteCloudTierOptions = {}): RemoteCloudTier & { readonly remote: MemoryRemote } {
  const remote = memoryRemote(options.clock ? { clock: options.clock } : {});
  return Object.assign(remoteCloudTier(remote, options), { remote });
}

function parseCheckpoint(checkpoint: Checkpoint | undefined): { tick: number; key: string } | undefined {
  if (checkpoint === undefined) return undefined;
  const m = typeof checkpoint === 'string' ? CHECKPOINT.exec(checkpoint) : null;
  if (!m) throw new StowageError('invalid-argument', 'not a checkpoint of this remote', { details: { checkpoint } });
  return { tick: Number(m[1]), key: m[2]! };
}

function opError(code: 'conflict' | 'not-found', op: CollectionOp, reason: string, why: string): StowageError {
  return new StowageError(code, `${op.type} ${op.collection}/${op.doc}: ${why}`, {
    details: { id: op.id, collection: op.collection, doc: op.doc, reason },
  });
}

function keyOf(change: unknown): string {
  const key = (change as { key?: unknown } | null)?.key;
  return typeof key === 'string' ? key : String(key);
}

function toDoc(c: RemoteChange, json: string | undefined): RemoteDoc {
  const doc: RemoteDoc = { key: c.key, deleted: c.deleted, hlc: c.hlc, origin: c.origin };
  if (json !== undefined) doc.value = JSON.parse(json);
  if (!c.deleted && c.data) {
    doc.data = c.data.slice();
    doc.codecs = [...(c.codecs ?? [])];
  }
  if (c.expiresAt !== undefined) doc.expiresAt = c.expiresAt;
  if (c.reencodes !== undefined) doc.reencodes = c.reencodes;
  if (!c.deleted && c.schema !== undefined) doc.schema = c.schema;
  return doc;
}

function copyDoc(doc: RemoteDoc): RemoteDoc {
  return structuredClone(doc);
}
