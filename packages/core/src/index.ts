export * from './errors.js';
export * from './record.js';
export * from './envelope.js';
export * from './driver.js';
export * from './codec.js';
export * from './ports.js';
export * from './memory-driver.js';
export * from './driver-args.js';
export * from './key-order.js';
export * from './events.js';
export * from './storage-types.js';
export { createStorage as createStowageStorage } from './create-storage.js';
export * from './json-value.js';
export * from './schema.js';
export { createKernel } from './kernel/kernel.js';
export type { KernelOptions } from './kernel/kernel-types.js';
export { storageInfo, inspect } from './namespace/info.js';
export { exportData, exportCsv, importCsv, importData, listBackups, restoreBackup, migrate, migrationHistory, reencode } from './namespace/admin.js';
export { getRecord, applyRecords } from './namespace/apply-records.js';
export type { ApplyRecordsOptions } from './namespace/apply-records.js';
export { readRecords } from './namespace/read-records.js';
export type { RecordRead } from './namespace/read-records.js';
export { reservedStore } from './namespace/reserved-store.js';
export { writesSettled } from './namespace/writes-settled.js';
export { update, increment } from './namespace/update.js';
export type { Updater } from './namespace/update.js';
export { removeOlderThan } from './namespace/remove-older-than.js';
export type { RemoveOlderThanOptions } from './namespace/remove-older-than.js';
export { storageConfig } from './namespace/config.js';
export { checkHealth } from './namespace/health.js';
export { watchUsage } from './namespace/usage-watch.js';
export type { UsageBasis, UsageEvent, UsageReading, UsageWatch, UsageWatchOptions } from './namespace/usage-watch.js';
export type { HealthOptions, HealthProbe, StorageHealth } from './namespace/health.js';
export { namespaceSettings } from './layers/settings.js';
export type { NamespaceSettings } from './layers/settings.js';
export { contextOf, linkStorage } from './kernel/context-of.js';
export type { Change, Commit, CommitKind, DecodeOptions, KernelContext, Layer, Observation, ObservedChange, Operation, Put } from './kernel/layer.js';
export { cleanExpired, expiryLayer } from './layers/expiry.js';
export type { ExpiryLayer, ExpiryOptions } from './layers/expiry.js';
export { codecsLayer } from './layers/codecs.js';
export type { CodecsLayer, CodecsOptions } from './layers/codecs.js';
export { limitsLayer } from './layers/limits.js';
export type { LimitsLayer, LimitsOptions } from './layers/limits.js';
export { indexLayer } from './layers/index-layer.js';
export type { IndexLayer } from './layers/index-layer.js';
export { addCommitHook, hooksLayer } from './layers/hooks.js';
export type { HooksLayer } from './layers/hooks.js';
export { migrationsLayer } from './layers/migrations.js';
export type { MigrationsLayer, MigrationsOptions } from './layers/migrations.js';
export { broadcastLayer } from './layers/broadcast.js';
export { BACKUP_FORMAT, BACKUP_VERSION, parseBackup, toBase64, fromBase64 } from './backup-format.js';
export { csvCell } from './namespace/csv.js';
export { reportError as reportBackgroundError } from './report-error.js';
export type { Backup, BackupEntry } from './backup-format.js';
export { serializeValue, utf8Length } from './serialize.js';
export { checkDuration, checkOptions, validateKey, MAX_KEY_LENGTH } from './validate.js';
export { RESERVED, backupsPrefix, metaKey, migrationsPrefix, queuePrefix, syncPrefix } from './reserved-keys.js';

// Names a user can import beside the DOM's globals and unstorage's exports without aliasing (issue
// 25): `Storage`, `StorageEvent`, `EventSource` and `reportError` are DOM globals, `createStorage`,
// `Storage` and `Driver` are unstorage's. The old names stay for one release as deprecated aliases
// of the same values and types; local exports take precedence over the `export *` lines above.
// (The modules are those exported above, in the same order: the bundles' chunks do not change.)
import { createStorage as createStowageStorage } from './create-storage.js';
import { reportError as reportBackgroundError } from './report-error.js';
import type { Driver as StowageDriver } from './driver.js';
import type { EventSource as StowageEventSource, StorageEvent as StowageStorageEvent } from './events.js';
import type { Storage as StowageStorage } from './kernel/kernel-types.js';
import type { UntypedSchema } from './schema.js';
export type { StowageDriver, StowageEventSource, StowageStorage, StowageStorageEvent };
/** The former name of {@link createStowageStorage}, the same function. @deprecated Use createStowageStorage (unstorage exports a `createStorage` too); this alias goes in the next minor release. */
export const createStorage: typeof createStowageStorage = createStowageStorage;
/** The former name of {@link reportBackgroundError}, the same function. @deprecated Use reportBackgroundError (`reportError` is a DOM global); this alias goes in the next minor release. */
export const reportError: typeof reportBackgroundError = reportBackgroundError;
/** The former name of {@link StowageStorage}, the same type. @deprecated Use StowageStorage (`Storage` is the DOM's Web Storage and unstorage's type); this alias goes in the next minor release. */
export type Storage<S extends object = UntypedSchema> = StowageStorage<S>;
/** The former name of {@link StowageStorageEvent}, the same type. @deprecated Use StowageStorageEvent (`StorageEvent` is the DOM's `storage` event); this alias goes in the next minor release. */
export type StorageEvent = StowageStorageEvent;
/** The former name of {@link StowageEventSource}, the same type. @deprecated Use StowageEventSource (`EventSource` is the DOM's server-sent events); this alias goes in the next minor release. */
export type EventSource = StowageEventSource;
/** The former name of {@link StowageDriver}, the same type. @deprecated Use StowageDriver (unstorage exports a `Driver` type too); this alias goes in the next minor release. */
export type Driver = StowageDriver;
