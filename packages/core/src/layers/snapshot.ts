import type { Backup, BackupEntry } from '../backup-format.js';
import { BACKUP_FORMAT, BACKUP_VERSION, toBase64 } from '../backup-format.js';
import type { Driver, DriverOp } from '../driver.js';
import type { KernelContext } from '../kernel/layer.js';
import { isExpired } from '../record.js';
import type { StoredRecord } from '../record.js';
import { backupsPrefix } from '../reserved-keys.js';
import type { NamespaceSettings } from './settings.js';

// What both an import and a schema change need before they touch records: a snapshot of the
// namespace stored as an automatic backup. Apart from backup.ts (a lazy chunk) because the
// migrations layer takes one on the read path, which must not import() (a service worker runs it).

/** Live records of the namespace: `[key, record]`. */
export async function liveRecords(ctx: KernelContext, d: Driver): Promise<[string, StoredRecord][]> {
  const now = ctx.clock.now();
  const out: [string, StoredRecord][] = [];
  for (const [k, raw] of await d.entries(ctx.dp)) {
    const key = k.slice(ctx.dp.length);
    const r = ctx.recordOf(key, raw);
    if (!isExpired(r, now)) out.push([key, r]);
  }
  return out;
}

/** The namespace as a backup; encrypted values stay ciphertext unless `decrypt`. Values are not migrated. */
export async function snapshot(ctx: KernelContext, d: Driver, decrypt: boolean): Promise<Backup> {
  const entries: BackupEntry[] = [];
  for (const [key, r] of await liveRecords(ctx, d)) {
    const e: BackupEntry = { key, createdAt: r.createdAt, updatedAt: r.updatedAt, schema: r.s };
    if (r.expiresAt !== undefined) e.expiresAt = r.expiresAt;
    if (r.codecs.length > 0 && !decrypt && ctx.entryInfo(key, r).encrypted) {
      e.data = toBase64(r.data as Uint8Array);
      e.codecs = [...r.codecs];
    } else {
      e.value = await ctx.decode(key, r, undefined, { migrate: false });
    }
    entries.push(e);
  }
  return { format: BACKUP_FORMAT, version: BACKUP_VERSION, prefix: ctx.prefix, exportedAt: ctx.clock.now(), entries };
}

/**
 * Ops storing `current` as the newest automatic backup and pruning the oldest beyond
 * `backupsToKeep`; `id` is absent when nothing is stored (an empty namespace, or backups off).
 */
export async function backupOps(ctx: KernelContext, d: Driver, current: Backup): Promise<{ id?: string; ops: DriverOp[] }> {
  const count = ctx.layer<NamespaceSettings>('namespace')?.backupsToKeep ?? 3;
  if (count <= 0 || current.entries.length === 0) return { ops: [] };
  const prefix = backupsPrefix(ctx.prefix);
  const existing = await d.keys(prefix);
  // Ids sort by time; a second backup in the same millisecond (a migration right after an import) gets a suffix.
  const base = String(ctx.clock.now()).padStart(15, '0');
  let id = base;
  for (let n = 1; existing.includes(prefix + id); n++) id = `${base}-${n}`;
  const drop = existing.slice(0, Math.max(0, existing.length + 1 - count));
  return { id, ops: [{ type: 'put', key: prefix + id, value: current }, ...drop.map((key): DriverOp => ({ type: 'delete', key }))] };
}
