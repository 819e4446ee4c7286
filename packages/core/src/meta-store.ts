import type { CodecContext } from './codec.js';
import type { Driver } from './driver.js';
import type { LockPort } from './ports.js';

/** Reserved key space (U+0000 can never start a user key): metadata, backups, outboxes. */
export const RESERVED = '\u0000';

/** Key of a namespace's metadata value `name`. */
export function metaKey(prefix: string, name: string): string {
  return `${RESERVED}meta/${prefix}/${name}`;
}

/**
 * Per-namespace metadata kept in the reserved key space of the same driver as the data, so a
 * backup of the store carries it along. Creation runs under a cross-tab lock: two tabs opening the
 * same encrypted namespace at once still agree on one salt.
 */
export function createMetaStore(driver: () => Promise<Driver>, locks: LockPort, prefix: string, scope: () => string): CodecContext {
  const lockName = (): string => `stowage:meta:${scope()}:${prefix}`;
  const read = async (name: string): Promise<unknown> => (await driver()).get(metaKey(prefix, name));
  const write = async (name: string, value: unknown): Promise<void> =>
    (await driver()).batch([{ type: 'put', key: metaKey(prefix, name), value }]);
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
    writeMeta: (name, value) => locks.request(lockName(), () => write(name, value)),
  };
}
