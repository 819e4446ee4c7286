import type { Driver, DriverOp, EntriesOptions } from '../driver.js';
import { StowageError, toStowageError } from '../errors.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import { RESERVED } from '../reserved-keys.js';

/**
 * A store for what lives beside a namespace's data in one reserved key space (`space`, a prefix
 * from `reserved-keys.ts`: a sync engine's state, an operation queue): a {@link Driver} whose every
 * key must start with `space`, so its user can never touch data keys or another space.
 *
 * Writes go through the storage's write lane, in order with its data commits (a batch written
 * after `set()` resolved lands after it; `close()` of the storage ends them). Reads go straight
 * to the driver in use: they never wait for the lane, so a commit hook may read while its own
 * commit is in flight. The driver itself stays the storage's: `open()` opens it, `close()` is a
 * no-op. Ops that must commit with the data go into that commit instead (a commit hook's `ops`,
 * or `applyRecords`' `after`).
 *
 * @example
 * const state = reservedStore(storage, syncPrefix(storage.prefix));
 * await state.batch([{ type: 'put', key: syncPrefix(storage.prefix) + 'node', value: 'abc' }]);
 */
export function reservedStore(storage: Storage, space: string): Driver {
  const ctx = contextOf(storage);
  if (typeof space !== 'string' || !space.startsWith(RESERVED) || space.length < 2) {
    throw new StowageError('invalid-argument', 'reservedStore: the space must be a reserved prefix (see reserved-keys)', { details: { space } });
  }
  const inside = (key: unknown, what: string): string => {
    if (typeof key !== 'string' || !key.startsWith(space)) {
      throw new StowageError('invalid-argument', `reservedStore ${what}: key outside the space ${JSON.stringify(space)}`, { details: { key, space } });
    }
    return key;
  };
  let current: Driver | undefined;
  const read = async <T>(what: string, fn: (d: Driver) => Promise<T>): Promise<T> => {
    if (ctx.closed) throw new StowageError('closed', `storage "${ctx.prefix}" is closed`);
    try {
      return await fn((current = await ctx.driver()));
    } catch (e) {
      throw toStowageError(e, `reserved ${what}`);
    }
  };
  const write = async (what: string, fn: (d: Driver) => Promise<void>): Promise<void> => ctx.exclusive(`reserved ${what}`, fn);
  return {
    name: `reserved(${space})`,
    scope: ctx.scope,
    get capabilities() {
      // Those of the driver in use (after any fallback); the least that is safe to assume before it opened.
      return current?.capabilities ?? { persistent: false, atomicBatch: false };
    },
    open: async () => {
      await read('open', async () => undefined);
    },
    get: (key) => read('get', (d) => d.get(inside(key, 'get'))),
    getMany: (keys) => read('getMany', (d) => d.getMany(keys.map((k) => inside(k, 'getMany')))),
    entries: (prefix: string, options?: EntriesOptions) => read('entries', (d) => d.entries(inside(prefix, 'entries'), options)),
    keys: (prefix) => read('keys', (d) => d.keys(inside(prefix, 'keys'))),
    batch: (ops: readonly DriverOp[]) => {
      try {
        for (const op of ops) inside(op?.key, 'batch');
      } catch (e) {
        return Promise.reject(e);
      }
      return ops.length === 0 ? Promise.resolve() : write('batch', (d) => d.batch(ops));
    },
    clear: (prefix) => {
      try {
        inside(prefix, 'clear');
      } catch (e) {
        return Promise.reject(e);
      }
      return write('clear', (d) => d.clear(prefix));
    },
    close: async () => undefined,
  };
}
