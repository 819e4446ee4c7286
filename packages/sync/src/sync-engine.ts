import { defaultLocks, Emitter, StowageError, systemClock, toStowageError, addCommitHook, applyRecords, queuePrefix, readRecords, reservedStore, storageConfig, syncPrefix, validateKey, writesSettled } from '@stowage/core';
import type { Clock, CommitChange, DriverOp, HookOps, HookOrigin, RecordRead, Storage } from '@stowage/core';
import { createQueue } from '@stowage/queue';
import type { DeadLetter, Queue, QueueEntry, QueueOutcome } from '@stowage/queue';
import { resolveConflict } from './conflict.js';
import { applyItem, mergedDoc } from './remote-items.js';
import type { Resolution } from './conflict.js';
import { compareHlc, createHlc } from './hlc.js';
import type { HlcClock } from './hlc.js';
import { createNetworkMonitor, isReconnect } from './network-monitor.js';
import type { NetworkMonitor } from './network-monitor.js';
import type { Hlc, RemoteChange, RemoteDoc, RemoteStore } from './remote-store.js';
import { restoredError, type StatusChange, type SyncCounts } from './persisted-status.js';
import { SyncState } from './sync-state.js';
import { withTimeout } from './with-timeout.js';
import type { ConflictSide, OutboxEntry, Sync, SyncEvent, SyncOptions, SyncProgress, SyncStatus } from './sync-types.js';

const DAY = 24 * 3600_000;
const CONFLICT_ROUNDS = 3;
/** Coalescing keys of re-encodings (U+0000 never starts a user key): one pending per key, apart from its changes. */
const REENCODED = '\u0000reencoded/';

/**
 * What travels with a change this engine applies from the cloud (`applyRecords` tag → commit
 * hook): the revision it brings, the pending local edits it overtook (deleted in that same commit,
 * so that no context of the device, no reload and no service worker pushes them afterwards), and
 * the key's last local edit when this was decided (the commit fails if another came since).
 */
interface Incoming {
  readonly rev: Hlc;
  readonly lost: readonly QueueEntry<OutboxEntry>[];
  readonly seen: Hlc | undefined;
}

/**
 * Syncs one storage namespace with a {@link RemoteStore}.
 *
 * - Every local write records its outbox entry in the same driver transaction as the data (a
 *   commit hook), coalesced per key: 100 offline writes to one key become one push.
 * - Pushes are batched and compare-and-set against the remote revision the local state derives
 *   from; conflicts go to the configured resolver (hybrid-logical-clock last-write-wins by default)
 *   and are reported as events. Deletes travel as tombstones; encrypted keys travel as ciphertext.
 * - **Deleting is synced too**: `storage.remove(key)`, a batch's removes and `storage.clear()` of the
 *   synced namespace delete the cloud copies — each deleted key is queued as a tombstone in the
 *   delete's own transaction (a `deletes-queued` event names the keys), the next push deletes it in
 *   the cloud, and every other device deletes it at its next pull. `clear()` thus empties the
 *   namespace on every synced device; ask before calling it from a UI.
 * - Pulls are incremental from a persisted checkpoint; `fullSync()` reconciles everything.
 * - The outbox retries with backoff, is flushed by one tab at a time, and resumes on reconnect.
 *
 * @example
 * const sync = createSync({ storage, remote: createFirestoreRemote({ ... }) });
 * await sync.ready();
 */
export function createSync(options: SyncOptions): Sync {
  return new SyncEngine(options);
}

class SyncEngine implements Sync {
  readonly #o: SyncOptions;
  readonly #storage: Storage;
  readonly #remote: RemoteStore;
  readonly #clock: Clock;
  readonly #network: NetworkMonitor;
  readonly #ownsNetwork: boolean;
  readonly #emitter = new Emitter<SyncEvent>();
  #state!: SyncState;
  #queue!: Queue<OutboxEntry>;
  #hlc!: HlcClock;
  #origin = '';
  #readyP: Promise<void> | undefined;
  #unsubscribe: (() => void)[] = [];
  #unhook: (() => void) | undefined;
  #pullTimer: unknown;
  #pulling: Promise<number> | undefined;
  #pushing = 0;
  #lastSyncAt: number | undefined;
  #lastError: StowageError | undefined;
  /** The operation `#lastError` came from ('push', 'pull', 'flush', …). */
  #lastErrorOp: string | undefined;
  /** Totals as last stored (all contexts), and conflicts decided here since the last status write. */
  #counts: SyncCounts = { pushed: 0, pulled: 0, conflicts: 0 };
  #newConflicts = 0;
  /** Status writes of their own (an error, its clearing), in order; `close()` waits for them. */
  #statusWrites: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(o: SyncOptions) {
    if (typeof o !== 'object' || o === null || !o.storage || !o.remote) {
      throw new StowageError('invalid-argument', 'createSync needs { storage, remote }');
    }
    for (const [name, v] of [['pullInterval', o.pullInterval], ['pullLimit', o.pullLimit], ['batchSize', o.batchSize], ['requestTimeout', o.requestTimeout]] as const) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (name !== 'pullInterval' && v === 0))) {
        throw new StowageError('invalid-argument', `createSync: ${name} must be a positive number`, { details: { option: name } });
      }
    }
    const c = o.conflict;
    if (c !== undefined && typeof c !== 'function' && !['last-write-wins', 'remote-wins', 'local-wins'].includes(c)) {
      throw new StowageError('invalid-argument', `createSync: unknown conflict strategy ${JSON.stringify(c)}`);
    }
    this.#o = o;
    this.#storage = o.storage;
    this.#remote = o.remote;
    this.#clock = o.clock ?? systemClock;
    this.#ownsNetwork = o.network === undefined;
    this.#network = o.network ?? createNetworkMonitor();
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new StowageError('closed', 'sync is closed'));
    this.#readyP ??= this.#start().catch((e: unknown) => {
      this.#readyP = undefined;
      throw toStowageError(e, 'sync ready');
    });
    return this.#readyP;
  }

  async #start(): Promise<void> {
    const o = this.#o;
    const { prefix } = this.#storage;
    this.#state = new SyncState(reservedStore(this.#storage, syncPrefix(prefix)), prefix);
    await this.#state.load();
    // What the last session (or another context) stored: a reload shows the same status.
    const saved = await this.#state.status();
    this.#counts = saved.counts;
    this.#lastSyncAt = saved.lastSyncAt;
    if (saved.lastError) [this.#lastError, this.#lastErrorOp] = [restoredError(saved.lastError), saved.lastError.operation];
    const random = o.random ?? Math.random;
    const id = (length: number): string => Array.from({ length }, () => Math.floor(random() * 36).toString(36)).join('');
    this.#origin = await this.#state.node(() => id(12));
    // The device's tabs and service worker share its origin, not its clock: a context suffix keeps
    // two edits made in one millisecond from carrying one revision (the remote would take the
    // second for a retry of the first, and drop it).
    this.#hlc = createHlc(this.#clock, `${this.#origin}_${id(4)}`);
    const name = `sync.${encodeURIComponent(prefix).replace(/%/g, '_')}`;
    this.#queue = createQueue<OutboxEntry>({
      driver: reservedStore(this.#storage, queuePrefix(name)),
      name,
      handler: (entries, signal) => this.#push(entries, signal),
      batchSize: o.batchSize ?? 100,
      clock: this.#clock,
      locks: o.locks ?? defaultLocks(),
      random,
      ...(o.broadcast ? { broadcast: o.broadcast } : {}),
      ...(o.backoff ? { backoff: o.backoff } : {}),
    });
    this.#unhook = addCommitHook(this.#storage, { ops: (c, origin) => this.#hookOps(c, origin) });
    this.#unsubscribe.push(
      this.#queue.subscribe((e) => {
        if (e.type === 'dead-lettered') this.#emitter.emit({ type: 'dead-lettered', key: e.letter.entry.payload.key, error: e.letter.error });
        else if (e.type === 'error') this.#emitter.emit({ type: 'error', operation: e.operation, error: e.error });
      }),
      this.#network.subscribe((next, previous) => {
        if (!next.online) {
          this.#queue.pause();
          return;
        }
        if (this.#queue.paused) this.#queue.resume();
        if (isReconnect(previous, next)) {
          void this.#queue.resetBackoff().then(() => this.#queue.flush()).catch((e: unknown) => this.#fail('flush', e));
          void this.pull().catch(() => undefined);
        }
      }),
    );
    if (!this.#network.state().online) this.#queue.pause();
    this.#schedulePull();
  }

  #schedulePull(): void {
    const every = this.#o.pullInterval ?? 30_000;
    if (every === 0 || this.#closed) return;
    this.#pullTimer = this.#clock.setTimeout(() => {
      const run = this.#network.state().online ? this.pull() : Promise.resolve(0);
      void run.catch(() => undefined).finally(() => this.#schedulePull());
    }, every);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.clearTimeout(this.#pullTimer);
    for (const off of this.#unsubscribe) off();
    if (this.#ownsNetwork) this.#network.close();
    if (this.#readyP) {
      await this.#readyP.catch(() => undefined);
      await this.#queue?.close();
    }
    await this.#statusWrites;
    // Only now: a push or pull still in flight applies remote or merged state, and that commit
    // must carry its revision and the removal of the edits it overtook; and a write the app made
    // before close() may still be in the storage's lane: it must get its outbox entry.
    await writesSettled(this.#storage);
    this.#unhook?.();
  }

  // ── the outbox: one entry per changed key, in the data's own transaction ───

  async #hookOps(changes: readonly CommitChange[], origin: HookOrigin): Promise<HookOps> {
    if (origin === 'sync') {
      // Applied only if no local edit committed since the decision (here or in another context).
      const mine = changes.flatMap((c) => (isIncoming(c.tag) ? [[c.key, c.tag] as const] : []));
      return {
        ops: mine.flatMap(([k, inc]) => [this.#state.revOp(k, inc.rev), this.#state.unchangedOp(k, inc.seen), ...this.#queue.removeOps(inc.lost)]),
        committed: () => {
          this.#state.remember(mine.map(([k, inc]) => [k, inc.rev]));
          this.#queue.removed(mine.flatMap(([, inc]) => inc.lost));
        },
      };
    }
    // Recorded until `close()` unhooks, even while it closes: a write the app made before
    // closing may commit meanwhile, and it must reach the cloud (from the next session).
    // Only a key's last change in this commit matters to the cloud.
    const last = new Map<string, CommitChange>();
    for (const c of changes) last.set(c.key, c);
    const marks: DriverOp[] = [];
    const prepared = await Promise.all(
      [...last.values()].map((c) => {
        // New ciphertext of an unchanged value: its own entry, so it never replaces a pending change.
        if (origin === 'reencode' && c.type === 'put') {
          return this.#queue.prepare({ key: c.key, hlc: this.#state.rev(c.key) ?? '', deleted: false, reencoded: { updatedAt: c.record.updatedAt } }, { scope: c.key, coalesceKey: REENCODED + c.key });
        }
        const hlc = this.#hlc.now();
        marks.push(this.#state.editOp(c.key, hlc));
        return this.#queue.prepare({ key: c.key, hlc, deleted: c.type === 'delete' }, { scope: c.key, coalesceKey: c.key });
      }),
    );
    return {
      ops: [...prepared.flatMap((p) => p.ops), ...marks],
      committed: () => {
        this.#queue.committed(prepared);
        // Said out loud: these local deletes (a clear() among them) will delete the cloud copies.
        const keys = prepared.flatMap(({ entry: { payload: p } }) => (p.deleted ? [p.key] : []));
        if (keys.length) this.#emitter.emit({ type: 'deletes-queued', keys });
      },
    };
  }

  // ── push ───────────────────────────────────────────────────────────────────

  /**
   * The change to push for an outbox entry, built from the key's current record; `undefined` when
   * there is nothing left to do: an edit already in the cloud, or a re-encoding whose key was never
   * pushed or changed since (that change has its own entry, or came from the cloud).
   */
  async #change(entry: OutboxEntry, read: RecordRead | undefined): Promise<{ change: RemoteChange; updatedAt: number | null; encrypted: boolean } | undefined> {
    const base = this.#state.rev(entry.key);
    // This very edit is the revision the local state derives from (its push was applied, the
    // answer lost, and a pull brought it back): nothing left to push. Pushed again it would take a
    // later revision and beat, by last-write-wins, what others wrote over it since.
    if (!entry.reencoded && base === entry.hlc) return undefined;
    const rec = read?.record;
    const updatedAt = rec ? rec.updatedAt : null;
    let common: Omit<RemoteChange, 'deleted'> = { key: entry.key, hlc: entry.hlc, origin: this.#origin, base };
    if (entry.reencoded) {
      if (base === null || !rec || read?.expired || rec.updatedAt !== entry.reencoded.updatedAt) return undefined;
      // A revision of its own (never one an edit here or elsewhere could also carry); conflicts
      // weigh the value's time, `reencodes`, not this one.
      this.#hlc.receive(base);
      common = { ...common, hlc: this.#hlc.now(), reencodes: base };
    } else if (base !== null && compareHlc(entry.hlc, base) <= 0) {
      // The edit goes on top of a later revision (it won a conflict with it, or another context
      // applied that revision before this one's clock saw it): the cloud's revisions only move on,
      // but only just. Revisions are what the next conflict weighs: stamped with the time of the
      // push (an edit pushed hours after it was made), the edit would beat every edit made
      // elsewhere in between. (A retry of this entry on the same base gets the same revision:
      // the remote takes it for the retry it is.)
      common = { ...common, hlc: this.#hlc.after(base) };
    }
    // The record says what the key is now (a merge may have replaced a deletion with a value).
    if (!read || !rec || read.expired) return { change: { ...common, deleted: true }, updatedAt, encrypted: false };
    const expiry = rec.expiresAt === undefined ? {} : { expiresAt: rec.expiresAt };
    if (read.encrypted) {
      // The cloud never sees the plaintext of an encrypted key: its ciphertext travels as is.
      // Its schema version travels too: a reader on a newer version migrates it after decrypting.
      const schema = rec.s >= 1 ? { schema: rec.s } : {};
      return { change: { ...common, deleted: false, data: rec.data as Uint8Array, codecs: [...rec.codecs], ...expiry, ...schema }, updatedAt, encrypted: true };
    }
    // A plain record goes as stored, with its schema version (readers on newer versions migrate it);
    // compressed and foreign ones are read, so migrated up to this app's version (never down: a
    // value newer than this app, e.g. in an older service worker, keeps its own version — `get`
    // refuses to read it, so it is decoded as stored).
    const own = storageConfig(this.#storage).schemaVersion;
    const raw = rec.codecs.length === 0 && rec.s >= 1;
    const value = raw ? rec.value : await read.value(rec.s > own ? { migrate: false } : undefined);
    const schema = raw ? rec.s : Math.max(rec.s, own);
    return { change: { ...common, deleted: false, value, schema, ...expiry }, updatedAt, encrypted: false };
  }

  /**
   * The outbox's handler: runs under its flush lock, the one lock that orders this device's
   * pushes, pulls and applies (pulls and downloads take it through `queue.exclusive`).
   */
  async #push(entries: readonly QueueEntry<OutboxEntry>[], signal: AbortSignal): Promise<QueueOutcome[]> {
    await this.ready();
    this.#pushing++;
    try {
      const outcomes: QueueOutcome[] = entries.map(() => ({ status: 'done' }));
      let round = entries.map((_, i) => i).filter((i) => {
        const e = (entries[i] as QueueEntry<OutboxEntry>).payload;
        // A re-encoding followed by an edit of its key is moot: the edit pushes the current record.
        return !(e.reencoded && (this.#queue.latest(e.key) ?? '') > (entries[i] as QueueEntry<OutboxEntry>).id);
      });
      for (let attempt = 0; round.length > 0; attempt++) {
        if (attempt === CONFLICT_ROUNDS) {
          for (const i of round) outcomes[i] = { status: 'retry', error: new StowageError('conflict', 'the key kept changing remotely') };
          break;
        }
        // Under the flush lock no other context pushes, but one may have pushed since this one
        // last looked: the base of each change is the revision in the store, not the one kept here.
        const keys = round.map((i) => (entries[i] as QueueEntry<OutboxEntry>).payload.key);
        await this.#state.refresh(keys);
        const reads = await readRecords(this.#storage, keys); // each key once: record, encryption, value
        const changes = await Promise.all(round.map((i, j) => this.#change((entries[i] as QueueEntry<OutboxEntry>).payload, reads[j])));
        round = round.filter((_, j) => changes[j] !== undefined);
        const built = changes.filter((b) => b !== undefined);
        if (built.length === 0) break;
        const results = await this.#request('push', (s) => this.#remote.push(built.map((b) => b.change), s), signal);
        const applied: [string, Hlc][] = [];
        const again: number[] = [];
        for (const [j, r] of results.entries()) {
          const i = round[j] as number;
          const b = built[j] as (typeof built)[number];
          if (r.status === 'applied') applied.push([r.key, r.hlc]);
          else if (r.status === 'rejected') outcomes[i] = { status: 'dead', error: r.error };
          // A re-encoding never wins: the key moved on remotely, and the next pull brings that.
          else if ((entries[i] as QueueEntry<OutboxEntry>).payload.reencoded) continue;
          else if (await this.#onPushConflict(entries[i] as QueueEntry<OutboxEntry>, b.change, r.remote, b.updatedAt, b.encrypted)) again.push(i);
        }
        await this.#state.save(applied, await this.#statusOps({ lastSyncAt: this.#clock.now(), counts: { pushed: applied.length } }));
        if (applied.length > 0) this.#emitter.emit({ type: 'pushed', keys: applied.map(([k]) => k) });
        round = again;
      }
      return outcomes;
    } finally {
      this.#pushing--;
    }
  }

  /** Per key, its pending local edits, oldest first (a re-encoding is none; racing tabs may leave several). */
  async #pendingEdits(): Promise<Map<string, QueueEntry<OutboxEntry>[]>> {
    const edits = new Map<string, QueueEntry<OutboxEntry>[]>();
    for (const e of await this.#queue.list()) if (!e.payload.reencoded) edits.set(e.payload.key, [...(edits.get(e.payload.key) ?? []), e]);
    return edits;
  }

  /** Resolves a push conflict; true when the local change should be pushed again (on the new base). */
  async #onPushConflict(entry: QueueEntry<OutboxEntry>, change: RemoteChange, remote: RemoteDoc | undefined, updatedAt: number | null, encrypted: boolean): Promise<boolean> {
    const local: ConflictSide = { deleted: change.deleted, hlc: change.hlc, ...(change.value !== undefined ? { value: change.value } : {}) };
    if (!remote) {
      // The base revision is gone remotely (tombstones were purged): the key is new there.
      await this.#state.forget(change.key);
      return true;
    }
    // The remote state is this device's own earlier push (see #applyPulled), or our base's value
    // re-encoded elsewhere (a key rotation): no edit to weigh, the change goes on top of it.
    const ours = remote.origin === this.#origin || remote.reencodes === change.base; // (`base` is never undefined)
    const res: Resolution = ours ? { winner: 'local' } : this.#decide(change.key, local, remote, encrypted || remote.data !== undefined);
    const expect = new Map([[change.key, updatedAt]]);
    if (res.winner === 'local') await this.#state.save([[change.key, remote.hlc]]);
    else if (res.winner === 'remote') await this.#applyRemote([remote], expect, new Map([[change.key, [entry]]]));
    // The merged value goes on top of the remote revision, pushed by this same entry next round.
    else await this.#applyRemote([mergedDoc(remote, res.value)], expect, new Map());
    return res.winner !== 'remote';
  }

  /**
   * Runs the resolver and reports the conflict. A merged value is then applied like remote state
   * on top of the remote revision (value and revision in one commit, the local edit's entry kept):
   * the entry pushes it, and a crash in between leaves the edit to be merged again, never a
   * revision advanced over an unmerged value.
   */
  #decide(key: string, local: ConflictSide, remote: RemoteDoc, encrypted: boolean): Resolution {
    // A re-encoded remote value is as old as the revision it re-encodes.
    const remoteSide: ConflictSide = { deleted: remote.deleted, hlc: remote.reencodes ?? remote.hlc, ...(remote.value !== undefined ? { value: remote.value } : {}) };
    const res = resolveConflict(key, this.#o.conflict ?? 'last-write-wins', local, remoteSide, encrypted);
    this.#newConflicts++;
    this.#emitter.emit({ type: 'conflict', key, winner: res.winner, local, remote: remoteSide });
    return res;
  }

  // ── pull ───────────────────────────────────────────────────────────────────

  pull(): Promise<number> {
    this.#pulling ??= this.#pullAll(false).finally(() => {
      this.#pulling = undefined;
    });
    return this.#pulling;
  }

  async #pullAll(full: boolean, onPage?: (docs: number, remoteKeys: Set<string>) => void): Promise<number> {
    await this.ready();
    // One context of the device pulls at a time, never while another pushes: they share the
    // checkpoint, and a page fetched before another context applied a newer revision would
    // otherwise be applied over it, and that revision never pulled again.
    return this.#queue.exclusive(() => this.#pullPages(full, onPage));
  }

  async #pullPages(full: boolean, onPage?: (docs: number, remoteKeys: Set<string>) => void): Promise<number> {
    const limit = this.#o.pullLimit ?? 500;
    let checkpoint = full ? undefined : await this.#state.checkpoint();
    let changed = 0;
    const remoteKeys = new Set<string>();
    for (;;) {
      const page = await this.#request('pull', (s) => this.#remote.pull(checkpoint, limit, s));
      for (const d of page.docs) if (!d.deleted) remoteKeys.add(d.key);
      checkpoint = page.checkpoint;
      // The checkpoint commits with the data it covers: a crash leaves both or neither.
      changed += await this.#applyPulled(page.docs, full, this.#state.checkpointOps(checkpoint));
      onPage?.(page.docs.length, remoteKeys);
      if (page.docs.length < limit) break;
    }
    return changed;
  }

  async download(key: string): Promise<boolean> {
    validateKey(key); // before any request: a bad key is the caller's error, not the remote's
    await this.ready();
    const get = this.#remote.get?.bind(this.#remote);
    if (!get) throw new StowageError('invalid-argument', 'download needs a remote with get()');
    // Under the pull's lock, for the pull's reason: a document read before another context applied
    // a newer revision would otherwise be applied over it. `full`: a copy lost here is restored.
    return this.#queue.exclusive(async () => {
      const doc = await this.#request('get', (s) => get(key, s));
      return (await this.#applyPulled(doc ? [doc] : [], true, [])) > 0;
    });
  }

  /**
   * Applies pulled docs that are news to this client, resolving those with unpushed local changes,
   * in one commit with `after` (the checkpoint) and the revisions of the docs it only acknowledges;
   * then stores the status. Resolves to the number of keys written.
   */
  async #applyPulled(docs: readonly RemoteDoc[], full: boolean, after: readonly DriverOp[]): Promise<number> {
    // First the revisions and last local edits (another context of this device may have pushed,
    // pulled or edited these keys), then the pending edits and records: an edit committed after
    // the refresh is caught by the apply's check, one before it is seen here.
    const keys = docs.map((d) => d.key);
    await this.#state.refresh(keys);
    // Local changes only: a pending re-encoding is no change of value (and yields to the cloud's).
    const pending = docs.length > 0 ? await this.#pendingEdits() : new Map<string, QueueEntry<OutboxEntry>[]>();
    const reads = await readRecords(this.#storage, keys); // the page's records in one read
    const apply: RemoteDoc[] = [];
    const acknowledged: [string, Hlc][] = [];
    const expect = new Map<string, number | null>();
    const lost = new Map<string, QueueEntry<OutboxEntry>[]>();
    for (const [i, doc] of docs.entries()) {
      this.#hlc.receive(doc.hlc);
      const read = reads[i];
      const known = this.#state.rev(doc.key) === doc.hlc;
      // An echo of what this client already has; a full sync re-applies it only if the local copy is gone.
      if (known && (!full || doc.deleted || read !== undefined)) continue;
      const mine = pending.get(doc.key)?.at(-1)?.payload;
      // This device's own push (its acknowledgement was lost, or another tab or the service worker
      // sent it): the local state and any change pending here derive from it. Never a conflict,
      // never written back; a full sync still restores it where the local copy is gone.
      // Or our base's value re-encoded elsewhere: the pending local change stays, on the new revision.
      if ((doc.origin === this.#origin && (mine || !full || doc.deleted || read !== undefined)) || (mine && doc.reencodes === this.#state.rev(doc.key))) {
        acknowledged.push([doc.key, doc.hlc]);
        continue;
      }
      if (mine) {
        const encrypted = doc.data !== undefined || read?.encrypted === true;
        // What the key holds now (the entry was made for a delete, but a merge may have put a value there since).
        const deleted = read === undefined || read.expired;
        // (A record of a newer schema than this app's is weighed as stored: `get` would refuse it.)
        const asStored = read !== undefined && read.record.s > storageConfig(this.#storage).schemaVersion ? { migrate: false } : undefined;
        const local: ConflictSide = { deleted, hlc: mine.hlc, ...(!encrypted && !deleted ? { value: await read.value(asStored) } : {}) };
        const res = this.#decide(doc.key, local, doc, encrypted);
        if (res.winner === 'local') {
          acknowledged.push([doc.key, doc.hlc]);
          continue;
        }
        if (res.winner === 'remote') lost.set(doc.key, pending.get(doc.key) ?? []);
        apply.push(res.winner === 'merged' ? mergedDoc(doc, res.value) : doc);
      } else apply.push(doc);
      expect.set(doc.key, read ? read.record.updatedAt : null);
    }
    // With the data, the checkpoint, the revisions of what was only acknowledged, and the status
    // counting what is written: one transaction.
    const written = await this.#applyRemote(apply, expect, lost, async (keys) => [
      ...acknowledged.map(([k, v]) => this.#state.revOp(k, v)), ...after,
      ...(await this.#statusOps({ lastSyncAt: this.#clock.now(), counts: { pulled: keys.length } })),
    ]);
    this.#state.remember(acknowledged);
    if (written.length > 0) this.#emitter.emit({ type: 'pulled', keys: written });
    return written.length;
  }

  /**
   * Writes remote state locally, with its revisions, in one commit that also deletes the pending
   * edits it overtook (`lost`) and holds `after` (reserved-space ops: a checkpoint). Compare-and-set:
   * on the record (`expect`: its `updatedAt` as read) and on the key's last local edit as the
   * decision saw it. A key edited since is left out — its edit is newer than the decision, and its
   * push meets the remote state — and the rest applied. Runs under the flush lock (see `#push`).
   */
  async #applyRemote(docs: readonly RemoteDoc[], expect: Map<string, number | null>, lost: Map<string, QueueEntry<OutboxEntry>[]>, after?: (keys: readonly string[]) => Promise<DriverOp[]>): Promise<string[]> {
    const schema = storageConfig(this.#storage).schemaVersion;
    for (let left = docs; ; ) {
      if (left.length === 0) {
        if (after) await this.#state.save([], await after([]));
        return [];
      }
      const now = this.#clock.now();
      const items = left.map((doc) => {
        const tag: Incoming = { rev: doc.hlc, lost: lost.get(doc.key) ?? [], seen: this.#state.edit(doc.key) };
        return { ...applyItem(doc, expect, now, schema), tag };
      });
      try {
        return await applyRecords(this.#storage, items, after ? { origin: 'sync', after } : { origin: 'sync' });
      } catch (e) {
        const edited = this.#state.editedKey(e);
        if (edited === undefined) throw e;
        left = left.filter((d) => d.key !== edited);
      }
    }
  }

  // ── full sync, status, dead letters ───────────────────────────────────────

  async fullSync(onProgress?: (p: SyncProgress) => void): Promise<{ pulled: number; pushed: number }> {
    await this.ready();
    const progress = (p: SyncProgress): void => {
      onProgress?.(p);
      this.#emitter.emit({ type: 'progress', progress: p });
    };
    let seen = 0;
    let remoteKeys = new Set<string>();
    const pulled = await this.#pullAll(true, (docs, keys) => {
      seen += docs;
      remoteKeys = keys;
      progress({ phase: 'pull', done: seen, total: seen });
    });
    const pending = await this.#pendingEdits();
    const toPush = (await this.#storage.keys()).filter((k) => !pending.has(k) && (this.#state.rev(k) === null || !remoteKeys.has(k)));
    let done = 0;
    progress({ phase: 'push', done, total: toPush.length });
    for (const key of toPush) {
      await this.#queue.enqueue({ key, hlc: this.#hlc.now(), deleted: false }, { scope: key, coalesceKey: key });
    }
    await this.flush();
    const left = await this.#pendingEdits();
    done = toPush.filter((k) => !left.has(k)).length;
    progress({ phase: 'push', done, total: toPush.length });
    return { pulled, pushed: done };
  }

  /** The outbox, once the engine is ready. */
  async #outbox(): Promise<Queue<OutboxEntry>> {
    await this.ready();
    return this.#queue;
  }

  async flush(): Promise<void> {
    await (await this.#outbox()).flush();
  }

  async status(): Promise<SyncStatus> {
    await this.ready();
    const pending = await this.#queue.size();
    // A push error is about the outbox: once it is empty (this tab or another delivered it) the
    // error describes nothing left to do, so it goes; a pull error stays until a pull succeeds.
    if (pending === 0 && (this.#lastErrorOp === 'push' || this.#lastErrorOp === 'flush')) this.#clearError();
    // Every context of the device adds to the stored counts and sync time.
    const stored = await this.#state.status();
    this.#counts = stored.counts;
    const now = this.#statusNow();
    const lastSyncAt = stored.lastSyncAt === undefined || (now.lastSyncAt ?? -Infinity) > stored.lastSyncAt ? now.lastSyncAt : stored.lastSyncAt;
    return { ...now, lastSyncAt, pending };
  }

  #statusNow(): Omit<SyncStatus, 'pending'> {
    const { online, reachable } = this.#network.state();
    return { online, reachable, syncing: this.#pushing > 0 || this.#pulling !== undefined, lastSyncAt: this.#lastSyncAt, lastError: this.#lastError, counts: { ...this.#counts } };
  }

  subscribe(listener: (event: SyncEvent) => void): () => void {
    if (typeof listener !== 'function') throw new StowageError('invalid-argument', 'subscribe expects a function');
    return this.#emitter.subscribe(listener);
  }

  deadLetters = async (): Promise<DeadLetter<OutboxEntry>[]> => (await this.#outbox()).deadLetters();
  retryDead = async (ids?: readonly string[]): Promise<number> => (await this.#outbox()).retryDead(ids);
  dropDead = async (ids?: readonly string[]): Promise<number> => (await this.#outbox()).dropDead(ids);

  async collectGarbage(retentionMs = 30 * DAY): Promise<number> {
    await this.ready();
    if (!this.#remote.purgeTombstones) return 0;
    return this.#request('purgeTombstones', (s) => (this.#remote.purgeTombstones as NonNullable<RemoteStore['purgeTombstones']>)(this.#clock.now() - retentionMs, s));
  }

  // ── plumbing ───────────────────────────────────────────────────────────────

  #fail(operation: string, e: unknown): StowageError {
    const err = toStowageError(e, operation);
    this.#lastError = err;
    this.#lastErrorOp = operation;
    this.#persistStatus({ lastError: { code: err.code, message: err.message, operation, at: this.#clock.now() } });
    this.#emitter.emit({ type: 'error', operation, error: err });
    return err;
  }

  /**
   * The status op to commit with a checkpoint or revisions: `change`, the conflicts decided since
   * the last one, and the error's clearing when there is none here now (this success ends it).
   */
  async #statusOps(change: StatusChange): Promise<DriverOp[]> {
    const conflicts = this.#newConflicts;
    this.#newConflicts = 0;
    const { op, status } = await this.#state.statusOp({ ...change, counts: { ...change.counts, conflicts }, ...(this.#lastError ? {} : { lastError: null }) });
    // The time stored is the time shown: both come from this op (the later of this and another context's).
    [this.#counts, this.#lastSyncAt] = [status.counts, status.lastSyncAt];
    return [op];
  }

  /** Stores a status change on its own (an error, its clearing); failures only cost the record of it. */
  #persistStatus(change: StatusChange): void {
    if (!this.#state) return;
    this.#statusWrites = this.#statusWrites.then(async () => this.#state.save([], [(await this.#state.statusOp(change)).op])).catch(() => undefined);
  }

  /** Forgets the last error, telling subscribers (a page showing it learns that it is over). */
  #clearError(): void {
    if (this.#lastError === undefined) return;
    this.#lastError = undefined;
    this.#lastErrorOp = undefined;
    this.#persistStatus({ lastError: null });
    this.#emitter.emit({ type: 'status', status: this.#statusNow() });
  }

  /** A remote call with a timeout (injected clock) that also tells the network monitor how it went. */
  async #request<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
    try {
      const result = await withTimeout(this.#clock, this.#o.requestTimeout ?? 20_000, operation, fn, outer);
      this.#network.reportSuccess();
      this.#clearError();
      return result;
    } catch (e) {
      const err = toStowageError(e, operation);
      // Reachability first, so the 'error' event's listeners read a status that already shows it.
      this.#network.reportFailure(err);
      throw this.#fail(operation, err);
    }
  }
}

function isIncoming(tag: unknown): tag is Incoming {
  return typeof tag === 'object' && tag !== null && 'rev' in tag && 'lost' in tag;
}
