import type { Backup } from '../backup-format.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { ExportOptions, ImportOptions, MigrateOptions, MigrationRun, ReencodeOptions } from '../storage-types.js';

// Backup and rewrite code is loaded on first use (a lazy chunk in app bundles): most apps never
// back up, migrate eagerly or re-encode, and should not download that code with every page.
// Nothing else in core may be lazy: a service worker cannot import(), and the sync engine runs
// storages there (scripts/check-deps.mjs holds the list).
const backup = () => import('./backup.js');
const rewrite = () => import('./rewrite.js');
const migration = () => import('./migrate.js');

/** A versioned JSON backup of the namespace; encrypted values stay ciphertext unless `decrypt`. */
export async function exportData(storage: Storage, options?: ExportOptions): Promise<Backup> {
  return (await backup()).exportData(storage, options);
}

/** The namespace as CSV (RFC 4180; cells that a spreadsheet would run as formulas are defused). */
export async function exportCsv(storage: Storage): Promise<string> {
  return (await backup()).exportCsv(storage);
}

/**
 * Atomically imports a CSV written by `exportCsv` (RFC 4180, the formula guard undone; values
 * typed back as exported), keeping an automatic backup of what it replaces. `[encrypted]` rows are
 * left as they are, even with `mode: 'replace'`. Resolves to the number of entries imported.
 */
export async function importCsv(storage: Storage, text: string, options?: ImportOptions): Promise<number> {
  return (await backup()).importCsv(storage, text, options);
}

/**
 * Atomically imports a backup (object or JSON text), keeping an automatic backup of what it
 * replaces; resolves to the number of entries imported.
 */
export async function importData(storage: Storage, input: unknown, options?: ImportOptions): Promise<number> {
  return (await backup()).importData(storage, input, options);
}

/** Automatic pre-import backups, newest first. */
export async function listBackups(storage: Storage): Promise<{ id: string; createdAt: number; count: number }[]> {
  return (await backup()).listBackups(storage);
}

/** Replaces the namespace with an automatic backup; resolves to the number of entries. */
export async function restoreBackup(storage: Storage, id: string): Promise<number> {
  return (await backup()).restoreBackup(storage, id);
}

/**
 * Rewrites every record to schema `options.to` (default: the storage's `schemaVersion`): up, or
 * down through the `down` steps (a missing one is refused before anything is written). A backup
 * is taken first and the run is recorded in `migrationHistory()`; resolves to how many changed.
 */
export async function migrate(storage: Storage, options?: MigrateOptions): Promise<number> {
  return (await migration()).migrate(storage, options);
}

/** The namespace's schema changes, oldest first (see {@link MigrationRun}). */
export async function migrationHistory(storage: Storage): Promise<MigrationRun[]> {
  return (await migration()).migrationHistory(storage);
}

/** Re-encodes matching records with the current codecs (e.g. after a key rotation); resolves to how many. */
export async function reencode(storage: Storage, options?: ReencodeOptions): Promise<number> {
  return (await rewrite()).reencode(storage, options);
}
