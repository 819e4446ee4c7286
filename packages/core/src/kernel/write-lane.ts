import type { Driver } from '../driver.js';
import { toStowageError } from '../errors.js';
import type { StowageError } from '../errors.js';
import type { Emitter, StorageEvent } from '../events.js';
import type { Change, Commit, KernelContext, Layer, Observation, ObservedChange } from './layer.js';
import type { DriverOpener } from './open-driver.js';
import { checkFailed, metaOf } from './records.js';
import { WriteQueue } from './write-queue.js';
import { changeOps } from './expiry-markers.js';

/** One caller's write: its changes commit together or not at all. */
interface Unit {
  /** Encodes the write; run again when a commit check failed (e.g. the encoding went stale). */
  prepare: () => Promise<Change[]>;
  prepared: Promise<Change[]>;
  resolve: () => void;
  reject: (err: StowageError) => void;
}

/** How often a write whose commit check failed is prepared again before it rejects. */
const RETRIES = 3;

/**
 * The kernel's write side: callers' writes of one tick in one commit, the commit chain through
 * the layers into one driver batch, and the observation hub. Two retry rules, both here: a commit
 * that failed a check is prepared again (at most {@link RETRIES} times), and a commit of several
 * callers that failed otherwise is retried caller by caller, so each gets its own answer.
 */
export class WriteLane {
  readonly ctx: KernelContext;
  readonly #layers: readonly Layer[];
  readonly #committers: readonly Layer[];
  readonly #emitter: Emitter<StorageEvent>;
  readonly #opener: DriverOpener;
  readonly #queue = new WriteQueue<Unit>((units) => this.#flush(units));

  constructor(layers: readonly Layer[], emitter: Emitter<StorageEvent>, opener: DriverOpener, ctx: KernelContext) {
    this.#layers = layers;
    this.#committers = layers.filter((l) => l.commit);
    this.#emitter = emitter;
    this.#opener = opener;
    this.ctx = ctx;
    for (const l of layers) l.setup?.(ctx);
  }

  get busy(): boolean {
    return this.#queue.busy;
  }

  idle(): Promise<void> {
    return this.#queue.idle();
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queue.exclusive(fn);
  }

  /** Queues one caller's write; settles once it committed (or failed). */
  submit(prepare: () => Promise<Change[]>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.submit({ prepare, prepared: prepared(prepare), resolve, reject });
    });
  }

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
      d = await this.#opener.open();
    } catch (e) {
      const err = toStowageError(e, 'write');
      for (const [u] of ready) u.reject(err);
      return;
    }
    await this.#commitUnits(d, ready, attempt);
  }

  async #commitUnits(driver: Driver, items: [Unit, Change[]][], attempt: number): Promise<void> {
    try {
      await this.commit({ driver, origin: 'local', changes: items.flatMap(([, cs]) => cs), before: [], after: [] });
    } catch (e) {
      const err = toStowageError(e, 'write');
      if (checkFailed(err) && attempt < RETRIES) {
        const units = items.map(([u]) => u);
        for (const u of units) u.prepared = prepared(u.prepare);
        return this.#flush(units, attempt + 1);
      }
      // One bad write must not fail its neighbours: each alone gets its own answer.
      if (items.length > 1) {
        for (const item of items) await this.#commitUnits(driver, [item], attempt);
        return;
      }
      for (const [u] of items) u.reject(err);
      return;
    }
    for (const [u] of items) u.resolve();
  }

  /** Runs `c` through every layer's commit stage (outer first) into one driver batch. */
  commit(c: Commit): Promise<void> {
    const run = (i: number): Promise<void> => {
      const l = this.#committers[i];
      return l?.commit ? l.commit(c, () => run(i + 1)) : this.#batch(c);
    };
    return run(0);
  }

  /** The bottom of the chain: one driver batch, then the observation of what it changed. */
  async #batch(c: Commit): Promise<void> {
    const d = c.driver;
    const ctx = this.ctx;
    if (c.clear && c.changes.length === 0) {
      await d.clear(ctx.dp);
      this.observe({ kind: 'clear', source: 'local' });
      return;
    }
    const ops = changeOps(ctx.prefix, ctx.dp, c.changes);
    await d.batch(c.before.length + c.after.length > 0 ? [...c.before, ...ops, ...c.after] : ops);
    if (c.changes.length === 0) return; // only reserved-space ops (e.g. a checkpoint): nothing to tell
    this.observe({
      kind: 'changes',
      source: c.origin === 'sync' ? 'remote' : 'local',
      silent: c.origin === 'reencode' || c.origin === 'migrate',
      changes: c.changes.map((x): ObservedChange => (x.type === 'put' ? { type: 'put', key: x.key, meta: metaOf(x.record) } : x)),
    });
  }

  /** Tells every layer, then subscribers (the public kinds, as events). */
  observe(o: Observation): void {
    for (const l of this.#layers) l.observe?.(o);
    const emit = (e: StorageEvent): void => this.#emitter.emit(e);
    if (o.kind === 'changes') {
      if (o.silent) return;
      for (const c of o.changes) {
        if (c.type === 'delete') emit({ type: 'remove', key: c.key, source: o.source, reason: c.reason });
        else {
          const e: StorageEvent = { type: 'set', key: c.key, source: o.source, size: c.meta.size, updatedAt: c.meta.updatedAt };
          if (c.meta.expiresAt !== undefined) e.expiresAt = c.meta.expiresAt;
          emit(e);
        }
      }
    } else if (o.kind === 'clear') emit({ type: 'clear', source: o.source });
    else if (o.kind === 'import') emit({ type: 'import', source: o.source, mode: o.mode, count: o.count });
  }
}

/** Starts encoding a write; its failure is reported by the flush that awaits it. */
function prepared(prepare: () => Promise<Change[]>): Promise<Change[]> {
  const p = prepare();
  p.catch(() => undefined); // settled by #flush; avoid an unhandled-rejection report meanwhile
  return p;
}
