import { StowageError, toStowageError } from './errors.js';
import { contextOf } from './kernel/context-of.js';
import { createKernel } from './kernel/kernel.js';
import { broadcastLayer } from './layers/broadcast.js';
import { codecsLayer } from './layers/codecs.js';
import { expiryLayer } from './layers/expiry.js';
import { hooksLayer } from './layers/hooks.js';
import { indexLayer } from './layers/index-layer.js';
import { limitsLayer } from './layers/limits.js';
import { migrationsLayer } from './layers/migrations.js';
import { applyRecords, getRecord } from './namespace/apply-records.js';
import { inspect, storageInfo } from './namespace/info.js';
import { memoryDriver } from './memory-driver.js';
import { browserEstimate } from './ports.js';
import type { Storage, StorageOptions } from './storage-types.js';
import { checkOptions, MAX_KEY_LENGTH } from './validate.js';

const STORAGE_OPTIONS = [
  'driver', 'prefix', 'compression', 'encryption', 'codecs', 'compressThreshold', 'encryptAll', 'limits', 'defaultTtl',
  'sweepInterval', 'schemaVersion', 'migrations', 'fallbackToMemory', 'backupsToKeep', 'clock', 'locks', 'broadcast', 'estimate',
] as const;

/**
 * Creates a namespaced storage with every core layer: the kernel, then (outer first) the key
 * index, commit hooks, expiry, migrations, codecs (serialize → compress → encrypt), limits and
 * cross-tab events; backup, migrations and re-encoding as methods. The batteries-included
 * composition: an app that wants less builds its own with `createKernel({ layers })`.
 *
 * @example
 * const storage = createStorage({ driver: indexedDbDriver(), prefix: 'app' });
 * await storage.set('user', { name: 'Ada' }, { ttl: 60_000 });
 */
export function createStorage(o: StorageOptions = {}): Storage {
  checkOptions(o, STORAGE_OPTIONS, 'createStorage');
  checkOptions(o.limits, ['maxValueBytes', 'maxTotalBytes', 'maxKeyLength'], 'createStorage limits');
  const index = indexLayer();
  const hooks = hooksLayer();
  const expiry = expiryLayer({ index, ...pick(o, 'defaultTtl', 'sweepInterval') });
  const migrations = migrationsLayer(pick(o, 'schemaVersion', 'migrations'));
  const codecs = codecsLayer(pick(o, 'compression', 'encryption', 'codecs', 'compressThreshold', 'encryptAll', 'locks'));
  const limits = limitsLayer({ index, compression: codecs.compression, ...pick(o.limits ?? {}, 'maxValueBytes', 'maxTotalBytes') });
  const maxKeyLength = o.limits?.maxKeyLength ?? MAX_KEY_LENGTH;
  const driver = o.driver ?? memoryDriver();
  const kernel = createKernel({
    ...pick(o, 'prefix', 'clock'),
    driver,
    ...(o.fallbackToMemory === false ? {} : { fallback: memoryDriver({ name: `fallback:${driver.scope}` }) }),
    maxKeyLength,
    layers: [index, hooks, expiry, migrations, codecs, limits, ...(o.broadcast === false ? [] : [broadcastLayer(o.broadcast)])],
  });
  const ctx = contextOf(kernel);
  const guard = <T>(fn: () => Promise<T>): Promise<T> => {
    if (ctx.closed) return Promise.reject(new StowageError('closed', `storage "${kernel.prefix}" is closed`));
    return fn().catch((e: unknown) => Promise.reject(toStowageError(e, 'storage')));
  };
  // Loaded on first use (a lazy chunk in app bundles): most apps never back up, migrate eagerly or
  // re-encode, and should not download that code with every page. Nothing else in core may be
  // lazy: a service worker cannot import(), and the sync engine runs storages there
  // (scripts/check-deps.mjs holds the list).
  const backup = async () => {
    const m = await import('./namespace/backup.js');
    m.keepBackups(ctx, o.backupsToKeep ?? 3);
    return m;
  };
  const rewrite = () => import('./namespace/rewrite.js');
  const storage: Storage = Object.assign(kernel, {
    config: Object.freeze({
      prefix: kernel.prefix,
      encryption: codecs.encryption,
      compression: codecs.compression,
      encryptAll: codecs.encryptAll,
      defaultTtl: o.defaultTtl,
      schemaVersion: migrations.schemaVersion,
      limits: Object.freeze({ maxValueBytes: limits.maxValueBytes, maxTotalBytes: limits.maxTotalBytes, maxKeyLength }),
    }),
    info: () => storageInfo(ctx, o.estimate ?? browserEstimate),
    inspect: ((key?: string) => guard(() => inspect(ctx, key))) as Storage['inspect'],
    cleanExpired: () => expiry.sweep(),
    exportData: (options?: Parameters<Storage['exportData']>[0]) => guard(async () => (await backup()).exportData(ctx, options)),
    exportCsv: () => guard(async () => (await backup()).exportCsv(ctx)),
    importData: (input: unknown, options?: Parameters<Storage['importData']>[1]) => guard(async () => (await backup()).importData(ctx, input, options)),
    listBackups: () => guard(async () => (await backup()).listBackups(ctx)),
    restoreBackup: (id: string) => guard(async () => (await backup()).restoreBackup(ctx, id)),
    migrate: () => guard(async () => (await rewrite()).migrate(ctx)),
    reencode: (options?: Parameters<Storage['reencode']>[0]) => guard(async () => (await rewrite()).reencode(ctx, options)),
    getRecord: (key: string) => guard(() => getRecord(ctx, key)),
    applyRecords: (items: Parameters<Storage['applyRecords']>[0], options?: Parameters<Storage['applyRecords']>[1]) => applyRecords(ctx, items, options),
    driver: () => guard(() => ctx.driver()),
    addCommitHook: (hook: Parameters<Storage['addCommitHook']>[0]) => hooks.add(hook),
  });
  return storage;
}

/** The options of `o` named in `keys` that are set (so layers see their own defaults for the rest). */
function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k] as Exclude<T[K], undefined>;
  return out;
}
