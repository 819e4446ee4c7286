import type { Driver } from '../driver.js';
import { StowageError, toStowageError } from '../errors.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { Change, KernelContext } from '../kernel/layer.js';
import { checkFailed, sameVersion } from '../kernel/records.js';
import { isExpired } from '../record.js';
import type { StoredRecord } from '../record.js';
import { serializeValue } from '../serialize.js';
import type { SetOptions } from '../storage-types.js';
import { validateKey } from '../validate.js';

/**
 * How often an update another writer beat (another tab committed between its read and its write)
 * is computed again before it fails with `conflict`. Each lost round means another write
 * succeeded, so the whole system always progresses; 40 rounds lost in a row is starvation.
 */
const ATTEMPTS = 40;

/**
 * What `update` calls with the current value (`undefined` when the key is absent or expired) and
 * what it stores: the value it returns, or nothing (`undefined`: the key is removed).
 */
export type Updater<T, R> = (current: T | undefined) => R | undefined | PromiseLike<R | undefined>;

/** What the read found: the stored value (`raw`, for the commit check) and, if live, its record and value. */
interface Seen {
  raw: unknown;
  live: StoredRecord | undefined;
  value: unknown;
}

/** The app's own error out of `fn`, carried past the lane's conversion to StowageError. */
class Thrown {
  constructor(readonly error: unknown) {}
}

async function read(ctx: KernelContext, d: Driver, key: string): Promise<Seen> {
  const raw = await d.get(ctx.dp + key);
  if (raw === undefined) return { raw, live: undefined, value: undefined };
  const r = ctx.recordOf(key, raw);
  // An expired record reads as absent; the write below replaces it (the check is on what is stored).
  if (isExpired(r, ctx.clock.now())) return { raw, live: undefined, value: undefined };
  return { raw, live: r, value: await ctx.decode(key, r, raw) };
}

/**
 * Options of the write: an update changes the value, not how the key is kept — its expiry and its
 * encryption stay as they were (as Redis's INCR keeps a TTL). A new key gets the storage's
 * defaults, as with `set`.
 */
function keep(ctx: KernelContext, key: string, live: StoredRecord | undefined): SetOptions | undefined {
  if (!live) return undefined;
  const o: SetOptions = live.expiresAt === undefined ? { ttl: null } : { expiresAt: live.expiresAt };
  if (ctx.layer('codecs')) o.encrypt = ctx.entryInfo(key, live).encrypted;
  return o;
}

/** The change storing `next` (or removing the key), and the value a later `get` reads. */
async function changeOf(ctx: KernelContext, key: string, seen: Seen, next: unknown): Promise<{ change?: Change; value: unknown }> {
  if (next === undefined) return seen.raw === undefined ? { value: undefined } : { change: { type: 'delete', key, reason: 'removed' }, value: undefined };
  const value = serializeValue(next, key);
  const record = await ctx.encode({ key, value, options: keep(ctx, key, seen.live) });
  return { change: { type: 'put', key, record }, value: value.value };
}

/** Commits `change` only while the key still holds what `seen` read (here or in another tab). */
async function commit(ctx: KernelContext, d: Driver, key: string, seen: Seen, change: Change | undefined): Promise<void> {
  if (!change) return;
  const test = seen.raw === undefined ? (v: unknown) => v === undefined : sameVersion(seen.raw);
  await ctx.commit({ driver: d, origin: 'local', changes: [change], before: [{ type: 'check', key: ctx.dp + key, test }], after: [] });
}

/** A short random pause after a lost round, so two tabs that keep colliding drift apart. */
function backoff(round: number): Promise<void> {
  if (round === 0) return Promise.resolve();
  // Real time, not the storage's clock: this is contention between tabs, not app time (a manual
  // test clock would never let it end).
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** round, 32)));
}

const isThenable = (x: unknown): x is PromiseLike<unknown> => typeof (x as { then?: unknown } | null)?.then === 'function';

/**
 * Atomic read-modify-write of one key: `fn` gets the current value (`undefined` when absent or
 * expired) and returns the new one (`undefined` removes the key); resolves to what is stored. No
 * update is lost when other writes — in this tab or another — race it: the write commits only
 * while the key is still the version read, else `fn` runs again on the newer value (so it must be
 * free of side effects). A synchronous `fn` runs inside this tab's write lane, so this tab's
 * updates of a key never collide with each other; an async `fn` runs outside it (other writes go
 * on meanwhile) and is retried when one of them touched the key. The key keeps its expiry and its
 * encryption; the write reaches commit hooks (the sync outbox) like any `set`. Fails with
 * `conflict` after 40 lost rounds; an error thrown by `fn` is rethrown as it is.
 *
 * @example
 * await update(storage, 'cart', (cart: Cart | undefined) => ({ ...cart, items: [...(cart?.items ?? []), item] }));
 */
export async function update<T = unknown, R = T>(storage: Storage, key: string, fn: Updater<T, R>): Promise<R | undefined> {
  const ctx = contextOf(storage);
  try {
    validateKey(key, ctx.maxKeyLength);
    if (typeof fn !== 'function') throw new StowageError('invalid-argument', 'update expects a function (current) => next', { details: { key } });
  } catch (e) {
    throw toStowageError(e, 'update');
  }
  const call = (v: unknown): unknown => {
    try {
      return fn(v as T | undefined);
    } catch (e) {
      return new Thrown(e);
    }
  };
  for (let round = 0; ; round++) {
    try {
      const step = await ctx.exclusive('update', async (d) => {
        const seen = await read(ctx, d, key);
        const next = call(seen.value);
        if (next instanceof Thrown || isThenable(next)) return { seen, next };
        const { change, value } = await changeOf(ctx, key, seen, next);
        await commit(ctx, d, key, seen, change);
        return { seen, next, value };
      }, key);
      if (step.next instanceof Thrown) throw step.next.error;
      if (!isThenable(step.next)) return step.value as R | undefined;
      // An async fn ran outside the lane: encode outside it too, then commit with the same check.
      const { change, value } = await changeOf(ctx, key, step.seen, await step.next);
      await ctx.exclusive('update', (d) => commit(ctx, d, key, step.seen, change), key);
      return value as R | undefined;
    } catch (e) {
      if (!checkFailed(e) || round + 1 >= ATTEMPTS) throw e;
      await backoff(round); // another writer won this round: read its value and compute again
    }
  }
}

/**
 * Atomically adds `by` to the number under `key` (an absent or expired key counts as 0) and
 * resolves to the new value; see {@link update}. A key holding anything but a number fails with
 * `invalid-argument` and is left as it is.
 *
 * @example
 * const views = await increment(storage, 'views');
 */
export function increment(storage: Storage, key: string, by = 1): Promise<number> {
  if (typeof by !== 'number' || !Number.isFinite(by)) {
    return Promise.reject(new StowageError('invalid-argument', `increment by must be a finite number, got ${String(by)}`, { details: { key } }));
  }
  return update<unknown, number>(storage, key, (v) => {
    if (v === undefined) return by;
    if (typeof v !== 'number') {
      throw new StowageError('invalid-argument', `increment: "${key}" holds ${Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`}, not a number`, { details: { key } });
    }
    return v + by;
  }) as Promise<number>;
}
