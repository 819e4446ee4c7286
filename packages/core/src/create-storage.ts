import { createKernel } from './kernel/kernel.js';
import type { Storage } from './kernel/kernel-types.js';
import { broadcastLayer } from './layers/broadcast.js';
import { codecsLayer } from './layers/codecs.js';
import { expiryLayer } from './layers/expiry.js';
import { hooksLayer } from './layers/hooks.js';
import { indexLayer } from './layers/index-layer.js';
import { limitsLayer } from './layers/limits.js';
import { migrationsLayer } from './layers/migrations.js';
import { memoryDriver } from './memory-driver.js';
import { namespaceSettings } from './layers/settings.js';
import type { UntypedSchema, ValidSchema } from './schema.js';
import type { StorageOptions } from './storage-types.js';
import { checkOptions } from './validate.js';

const STORAGE_OPTIONS = [
  'driver', 'prefix', 'compression', 'encryption', 'codecs', 'compressThreshold', 'encryptAll', 'limits', 'defaultTtl',
  'sweepInterval', 'schemaVersion', 'migrations', 'migrationBackup', 'fallbackToMemory', 'backupsToKeep', 'clock', 'locks', 'broadcast', 'estimate',
] as const;

/**
 * Creates a namespaced storage with every core layer: the kernel, then (outer first) the key
 * index, commit hooks, expiry, migrations, codecs (serialize → compress → encrypt), limits and
 * cross-tab events. The batteries-included composition of `createKernel({ layers })`;
 * whole-namespace operations are functions over it (`storageInfo`, `exportData`, `migrate`, …).
 *
 * `S`, the schema (key → value type), is a compile-time promise: the storage checks values against
 * what JSON can hold, not against `S` (data written before, by another version or another tab, is
 * what it is — validate it where it matters, or migrate it with `migrations`).
 *
 * @example
 * const storage = createStorage({ driver: indexedDbDriver(), prefix: 'app' });
 * await storage.set('user', { name: 'Ada' }, { ttl: 60_000 });
 *
 * @example
 * const typed = createStorage<{ user: User; theme: 'light' | 'dark' }>({ driver: indexedDbDriver() });
 * const user = await typed.get('user'); // User | undefined
 * await typed.set('theme', 'blue');     // compile error
 */
export function createStorage<S extends ValidSchema<S> = UntypedSchema>(o?: StorageOptions): Storage<S>;
/** An untyped storage. Declared last so `ReturnType<typeof createStorage>` stays the untyped `Storage`. */
export function createStorage(o?: StorageOptions): Storage;
export function createStorage(o: StorageOptions = {}): Storage {
  checkOptions(o, STORAGE_OPTIONS, 'createStorage');
  checkOptions(o.limits, ['maxValueBytes', 'maxTotalBytes', 'maxKeyLength'], 'createStorage limits');
  const index = indexLayer();
  const codecs = codecsLayer(pick(o, 'compression', 'encryption', 'codecs', 'compressThreshold', 'encryptAll', 'locks'));
  const driver = o.driver ?? memoryDriver();
  return createKernel({
    ...pick(o, 'prefix', 'clock'),
    ...pick(o.limits ?? {}, 'maxKeyLength'),
    driver,
    ...(o.fallbackToMemory === false ? {} : { fallback: memoryDriver({ name: `fallback:${driver.scope}` }) }),
    layers: [
      index,
      hooksLayer(),
      expiryLayer({ index, ...pick(o, 'defaultTtl', 'sweepInterval') }),
      migrationsLayer({ ...pick(o, 'schemaVersion', 'migrations'), ...(o.migrationBackup === false ? { backup: false } : {}) }),
      codecs,
      limitsLayer({ index, compression: codecs.compression, ...pick(o.limits ?? {}, 'maxValueBytes', 'maxTotalBytes') }),
      ...(o.broadcast === false ? [] : [broadcastLayer(o.broadcast)]),
      namespaceSettings(pick(o, 'estimate', 'backupsToKeep')),
    ],
  });
}

/** The options of `o` named in `keys` that are set (so layers see their own defaults for the rest). */
function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k] as Exclude<T[K], undefined>;
  return out;
}
