import { createStorage, StowageError, systemClock, MAX_KEY_LENGTH } from '@stowage/core';
import type { Clock, Storage, StorageLimits, StorageOptions } from '@stowage/core';

const MB = 1024 * 1024;

/** The Storage a mini factory works on, and what it knows about it. */
export interface ResolvedStorage {
  storage: Storage;
  /** Built here (so `close()` closes it). */
  owned: boolean;
  /** Whether `encrypt: true` can work; `undefined` when a given Storage's configuration is unknown. */
  canEncrypt: boolean | undefined;
  /** `encryptAll` of a Storage built here; `undefined` when unknown. */
  encryptAll: boolean | undefined;
  /** `defaultTtl` of a Storage built here. */
  defaultTtl: number | undefined;
  limits: Required<StorageLimits>;
  clock: Clock;
}

function positive(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new StowageError('invalid-argument', `${name} must be a positive number, got ${String(v)}`, { details: { option: name } });
  }
  return v;
}

/**
 * Takes either `{ storage }` or the options of a Storage to build (with `prefix` defaulting to
 * `'mini'`, so every mini surface of an app shares one namespace). `extra` names the options the
 * caller consumes itself; they are never passed on to `createStorage`, which rejects unknown ones.
 */
export function resolveStorage(options: unknown, extra: readonly string[], where: string): ResolvedStorage {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new StowageError('invalid-argument', `${where}: options must be an object`);
  }
  const o = options as Record<string, unknown> & { limits?: StorageLimits; clock?: Clock; storage?: Storage };
  if (o.limits !== undefined && (typeof o.limits !== 'object' || o.limits === null)) {
    throw new StowageError('invalid-argument', `${where}: limits must be an object`);
  }
  const limits: Required<StorageLimits> = {
    maxValueBytes: positive(o.limits?.maxValueBytes, 'limits.maxValueBytes') ?? MB,
    maxTotalBytes: positive(o.limits?.maxTotalBytes, 'limits.maxTotalBytes') ?? 10 * MB,
    maxKeyLength: positive(o.limits?.maxKeyLength, 'limits.maxKeyLength') ?? MAX_KEY_LENGTH,
  };
  const clock = o.clock ?? systemClock;
  const own = new Set(['storage', 'limits', 'clock', ...extra]);
  const rest = Object.fromEntries(Object.entries(o).filter(([k]) => !own.has(k))) as StorageOptions;
  if (o.storage !== undefined) {
    const s = o.storage as Partial<Storage>;
    if (typeof s !== 'object' || s === null || typeof s.set !== 'function' || typeof s.subscribe !== 'function') {
      throw new StowageError('invalid-argument', `${where}: storage must be a Storage from createStorage()`);
    }
    const clash = Object.keys(rest);
    if (clash.length > 0) {
      throw new StowageError('invalid-argument', `${where}: pass either { storage } or the options to build one, not both (got ${clash.join(', ')})`, {
        details: { options: clash },
      });
    }
    return { storage: o.storage, owned: false, canEncrypt: undefined, encryptAll: undefined, defaultTtl: undefined, limits, clock };
  }
  const storage = createStorage({ prefix: 'mini', ...rest, ...(o.limits ? { limits: o.limits } : {}), ...(o.clock ? { clock: o.clock } : {}) });
  return {
    storage,
    owned: true,
    canEncrypt: rest.encryption !== undefined,
    encryptAll: rest.encryptAll ?? false,
    defaultTtl: rest.defaultTtl,
    limits,
    clock,
  };
}
