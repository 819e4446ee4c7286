import type { CodecContext } from '../codec.js';
import type { Driver } from '../driver.js';
import type { LockPort } from '../ports.js';
import { reportError } from '../report-error.js';
import { metaKey } from '../reserved-keys.js';


/** A storage's {@link CodecContext}, plus the entry point for other tabs' metadata writes. */
export interface MetaStore extends CodecContext {
  watchMeta(name: string, listener: () => void): () => void;
  /** Another tab wrote metadata value `name`: tells its watchers. */
  changed(name: string): void;
}

/**
 * Per-namespace metadata kept in the reserved key space of the same driver as the data (a copy of
 * the database carries it along). Creation runs under a cross-tab lock: two tabs opening the same
 * encrypted namespace at once still agree on one salt. After each `writeMeta`, `announce(name)`
 * tells other tabs (their storage calls {@link MetaStore.changed}), so e.g. a key rotation in one
 * tab reaches the codecs of the others.
 */
export function createMetaStore(
  driver: () => Promise<Driver>,
  locks: LockPort,
  prefix: string,
  scope: () => string,
  announce: (name: string) => void,
): MetaStore {
  const lockName = (): string => `stowage:meta:${scope()}:${prefix}`;
  const read = async (name: string): Promise<unknown> => (await driver()).get(metaKey(prefix, name));
  const write = async (name: string, value: unknown): Promise<void> =>
    (await driver()).batch([{ type: 'put', key: metaKey(prefix, name), value }]);
  const watchers = new Map<string, Set<() => void>>();
  return {
    prefix,
    readMeta: read,
    ensureMeta: <T>(name: string, create: () => T | Promise<T>) =>
      locks.request(lockName(), async () => {
        const existing = await read(name);
        if (existing !== undefined) return existing as T;
        const value = await create();
        await write(name, value);
        return value;
      }),
    writeMeta: async (name, value) => {
      await locks.request(lockName(), () => write(name, value));
      announce(name);
    },
    watchMeta: (name, listener) => {
      const set = watchers.get(name) ?? new Set();
      watchers.set(name, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    changed: (name) => {
      for (const listener of [...(watchers.get(name) ?? [])]) {
        try {
          listener();
        } catch (err) {
          reportError(err);
        }
      }
    },
  };
}
