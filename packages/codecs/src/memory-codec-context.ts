import { memoryLocks, type CodecContext, type LockPort } from '@stowage/core';

/** Options of {@link memoryCodecContext}. */
export interface MemoryCodecContextOptions {
  /** Namespace the context claims to serve. @default 'default' */
  prefix?: string;
  /** Lock used by `ensureMeta` / `writeMeta`. @default memoryLocks() */
  locks?: LockPort;
  /** Backing map, to share metadata between several contexts (like two tabs). @default new Map() */
  store?: Map<string, unknown>;
}

/**
 * A {@link CodecContext} over a Map, for using codecs without a storage: tests, benchmarks, one-off
 * conversions. Values are structured-cloned in and out, like a real driver would.
 */
export function memoryCodecContext(options: MemoryCodecContextOptions = {}): CodecContext {
  const { prefix = 'default', locks = memoryLocks(), store = new Map<string, unknown>() } = options;
  const lockName = `stowage:meta:${prefix}`;
  const read = (name: string): unknown => {
    const v = store.get(name);
    return v === undefined ? undefined : structuredClone(v);
  };
  return {
    prefix,
    readMeta: async (name) => read(name),
    ensureMeta: <T>(name: string, create: () => T | Promise<T>) =>
      locks.request(lockName, async () => {
        const existing = read(name);
        if (existing !== undefined) return existing as T;
        const value = await create();
        store.set(name, structuredClone(value));
        return value;
      }),
    writeMeta: (name, value) =>
      locks.request(lockName, async () => {
        store.set(name, structuredClone(value));
      }),
  };
}
