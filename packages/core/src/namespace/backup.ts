import { BACKUP_FORMAT, BACKUP_VERSION, fromBase64, parseBackup } from '../backup-format.js';
import { backupOps, snapshot } from '../layers/snapshot.js';
import { recordsToCsv } from './csv.js';
import type { CsvRecord } from './csv.js';
import { csvEntries } from './csv-import.js';
import type { MigrationsLayer } from '../layers/migrations.js';
import type { Backup } from '../backup-format.js';
import { StowageError } from '../errors.js';
import type { Change, KernelContext } from '../kernel/layer.js';
import { checkFailed } from '../kernel/records.js';
import { backupsPrefix } from '../reserved-keys.js';
import { ENVELOPE_VERSION, isExpired } from '../record.js';
import type { StoredRecord } from '../record.js';
import { serializeValue, utf8Length } from '../serialize.js';
import type { ExportOptions, ImportOptions } from '../storage-types.js';
import { checkOptions, validateKey } from '../validate.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';

/** A versioned JSON backup; encrypted values stay ciphertext unless `decrypt`. */
export async function exportData(storage: Storage, options?: ExportOptions): Promise<Backup> {
  const ctx = contextOf(storage);
  checkOptions(options, ['decrypt'], 'exportData');
  return ctx.read('exportData', (d) => snapshot(ctx, d, options?.decrypt === true));
}

/**
 * CSV of the namespace (see `recordsToCsv`). The CSV has no schema column, so values are upgraded
 * to the current schema on the way out (as a read would), which is what `importCsv` takes them as.
 */
export async function exportCsv(storage: Storage): Promise<string> {
  const ctx = contextOf(storage);
  return ctx.read('exportCsv', async (d) => {
    const now = ctx.clock.now();
    const rows: CsvRecord[] = [];
    for (const [k, raw] of await d.entries(ctx.dp)) {
      const key = k.slice(ctx.dp.length);
      const r = ctx.recordOf(key, raw);
      if (isExpired(r, now)) continue;
      const encrypted = r.codecs.length > 0 && ctx.entryInfo(key, r).encrypted;
      const row: CsvRecord = { key, value: encrypted ? undefined : await ctx.decode(key, r, raw), encrypted, updatedAt: r.updatedAt };
      if (r.expiresAt !== undefined) row.expiresAt = r.expiresAt;
      rows.push(row);
    }
    return rows;
  }).then(recordsToCsv);
}

/**
 * Imports a CSV written by `exportCsv` (see `csvEntries`) through `importData`: atomically, with an
 * automatic backup first. `[encrypted]` rows carry no value: the key is left as it is, in both
 * modes (`replace` does not delete it). Resolves to the number of entries imported.
 */
export async function importCsv(storage: Storage, text: string, options?: ImportOptions): Promise<number> {
  const ctx = contextOf(storage);
  checkOptions(options, ['mode'], 'importCsv');
  const schema = ctx.layer<MigrationsLayer>('migrations')?.schemaVersion ?? 1;
  const { entries, encrypted } = csvEntries(text, schema);
  const backup: Backup = { format: BACKUP_FORMAT, version: BACKUP_VERSION, prefix: ctx.prefix, exportedAt: ctx.clock.now(), entries };
  return importBackup(ctx, backup, options?.mode, new Set(encrypted), 'importCsv');
}

/** Builds (and for ciphertext, verifies) the record of every live backup entry before anything is written. */
async function recordsOf(ctx: KernelContext, backup: Backup): Promise<Change[]> {
  const now = ctx.clock.now();
  const puts: Change[] = [];
  for (const e of backup.entries) {
    validateKey(e.key, ctx.maxKeyLength);
    if (e.expiresAt !== undefined && e.expiresAt <= now) continue;
    const times = { createdAt: e.createdAt, updatedAt: e.updatedAt, ...(e.expiresAt !== undefined ? { expiresAt: e.expiresAt } : {}) };
    let record: StoredRecord;
    if (e.data !== undefined) {
      const data = fromBase64(e.data);
      record = { v: ENVELOPE_VERSION, s: e.schema, codecs: [...(e.codecs as string[])], data, size: utf8Length(e.key) + data.byteLength, rawSize: 0, ...times };
      // Decrypting now proves this storage holds the key: an import must not store unreadable data.
      record.rawSize = serializeValue(await ctx.decode(e.key, record, undefined, { migrate: false }), e.key).bytes;
    } else {
      record = await ctx.encode({ key: e.key, value: serializeValue(e.value, e.key), options: undefined, times });
      record.s = e.schema;
    }
    puts.push({ type: 'put', key: e.key, record });
  }
  return puts;
}

const backupPrefix = (ctx: KernelContext): string => backupsPrefix(ctx.prefix);

/** Imports a backup atomically, keeping an automatic backup of what it replaces. */
export async function importData(storage: Storage, input: unknown, options?: ImportOptions): Promise<number> {
  const ctx = contextOf(storage);
  checkOptions(options, ['mode'], 'importData');
  return importBackup(ctx, parseBackup(input), options?.mode, new Set(), 'importData');
}

/** `importData` of a parsed backup; `replace` deletes every key not in it except those in `keep`. */
async function importBackup(ctx: KernelContext, backup: Backup, mode: ImportOptions['mode'] = 'merge', keep: ReadonlySet<string>, what: string): Promise<number> {
  if (mode !== 'merge' && mode !== 'replace') throw new StowageError('invalid-argument', `${what} mode must be 'merge' or 'replace'`);
  for (let attempt = 0; ; attempt++) {
    const puts = await recordsOf(ctx, backup);
    try {
      return await ctx.exclusive(what, async (driver) => {
        const current = await snapshot(ctx, driver, false);
        const incoming = new Set(puts.map((c) => c.key));
        const deletes: Change[] = mode === 'replace' ? current.entries.filter((e) => !incoming.has(e.key) && !keep.has(e.key)).map((e) => ({ type: 'delete', key: e.key, reason: 'removed' })) : [];
        await ctx.commit({ driver, origin: 'local', changes: [...deletes, ...puts], before: (await backupOps(ctx, driver, current)).ops, after: [] });
        ctx.observe({ kind: 'import', source: 'local', mode, count: puts.length });
        return puts.length;
      });
    } catch (e) {
      // Encoded under a key another tab rotated away meanwhile: the codec has re-read it; encode again.
      if (!checkFailed(e) || attempt >= 3) throw e;
    }
  }
}

/** Automatic pre-import backups, newest first. */
export async function listBackups(storage: Storage): Promise<{ id: string; createdAt: number; count: number }[]> {
  const ctx = contextOf(storage);
  return ctx.read('listBackups', async (d) => {
    const rows = await d.entries(backupPrefix(ctx));
    return rows.map(([k, b]) => ({ id: k.slice(backupPrefix(ctx).length), createdAt: (b as Backup).exportedAt, count: (b as Backup).entries.length })).reverse();
  });
}

/** Replaces the namespace with an automatic backup. */
export async function restoreBackup(storage: Storage, id: string): Promise<number> {
  const ctx = contextOf(storage);
  if (typeof id !== 'string' || id === '') throw new StowageError('invalid-argument', 'restoreBackup expects a backup id');
  const b = await ctx.read('restoreBackup', (d) => d.get(backupPrefix(ctx) + id));
  if (b === undefined) throw new StowageError('not-found', `no backup "${id}" for "${ctx.prefix}"`, { details: { id } });
  return importData(storage, b, { mode: 'replace' });
}
