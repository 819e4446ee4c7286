import { exportData, importData } from '@stowage/core';
import { toStowageError, type MemoryCachedStorage, type Storage } from 'stowage';
import { mountProgress } from './progress-view.js';
import type { StatusLine } from './status-line.js';

/** Options of {@link mountBackupPanel}. */
export interface BackupPanelOptions {
  /** The Download button. */
  download: HTMLButtonElement;
  /** The file input a backup is restored from. */
  file: HTMLInputElement;
  /** Merge or replace (a `<select>` with those two values). */
  mode: HTMLSelectElement;
  /** The panel's activity row (progress and end state of a download or restore). */
  activity: HTMLElement;
  storage: () => Storage;
  /** The memory tier, whose emptying by a replace-mode restore the panel reports. */
  cache: () => MemoryCachedStorage | undefined;
  status: StatusLine;
}

/** Counts the entries of a backup file for the progress text; undefined when it is not one (importData says why). */
function entryCount(text: string): number | undefined {
  try {
    const entries = (JSON.parse(text) as { entries?: unknown }).entries;
    return Array.isArray(entries) ? entries.length : undefined;
  } catch {
    return undefined;
  }
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const keys = (n: number): string => `${n} ${n === 1 ? 'key' : 'keys'}`;

/**
 * Backup download (`exportData(storage)` as a JSON file; encrypted values stay ciphertext) and
 * restore from a chosen file (`importData`, which validates it and keeps an automatic backup of
 * what it replaces). A broken file is reported with its `StowageError` code and changes nothing.
 * A replace-mode restore says what it removed, including the memory cache it emptied.
 */
export function mountBackupPanel(o: BackupPanelOptions): void {
  const activity = mountProgress(o.activity);
  o.download.addEventListener('click', () => {
    o.status.busy('exporting…');
    activity.start('download: reading every key…');
    exportData(o.storage())
      .then((backup) => {
        const json = JSON.stringify(backup, null, 2);
        const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = `stowage-${backup.prefix}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
        a.click();
        // The click has started the download; the URL is no longer needed.
        setTimeout(() => URL.revokeObjectURL(url), 0);
        o.status.ok(`exported ${backup.entries.length} keys`);
        activity.done(`downloaded a backup of ${keys(backup.entries.length)} (${kb(json.length)})`);
      })
      .catch((err: unknown) => activity.fail(`no backup (${o.status.error(err, 'export').code})`));
  });
  o.file.addEventListener('change', () => {
    const file = o.file.files?.[0];
    if (!file) return;
    const mode = o.mode.value === 'replace' ? 'replace' : 'merge';
    o.status.busy(`restoring ${file.name}…`);
    activity.start(`restore: reading ${file.name} (${kb(file.size)})…`);
    void (async () => {
      try {
        const text = await file.text();
        const storage = o.storage();
        const count = entryCount(text);
        activity.update(`restore (${mode}): checking and writing ${count ?? 'the'} keys in one transaction…`, 1, 2);
        const keysBefore = mode === 'replace' ? await storage.keys() : [];
        const cachedBefore = o.cache()?.memoryStats().size ?? 0;
        const restored = await importData(storage, text, { mode });
        o.status.ok(`restored ${restored} keys from ${file.name} (${mode})`);
        activity.done(restoreSummary(restored, mode, keysBefore, new Set(await storage.keys()), cachedBefore, o.cache()?.memoryStats().size ?? 0));
      } catch (err) {
        const e = toStowageError(err, 'restore');
        o.status.error(e, 'restore', e.code === 'invalid-argument' ? 'This file is not a Stowage backup (or it is damaged): nothing was changed.' : undefined);
        activity.fail(`nothing restored (${e.code})`);
      } finally {
        o.file.value = ''; // choosing the same file again must fire `change` again
      }
    })();
  });
}

/** The end state of a restore, in words: what came in, what a replace removed, what left the memory cache. */
function restoreSummary(restored: number, mode: string, keysBefore: readonly string[], keysAfter: ReadonlySet<string>, cachedBefore: number, cachedAfter: number): string {
  const parts = [`restored ${keys(restored)} (${mode})`];
  if (mode === 'replace') {
    const removed = keysBefore.filter((k) => !keysAfter.has(k)).length;
    parts.push(`${keys(removed)} not in the file ${removed === 1 ? 'was' : 'were'} removed`);
    // importData replaces the namespace wholesale, and the memory tier drops what it held: say it,
    // or the cache panel's sudden 0 entries and the next slower reads look like a fault.
    if (cachedBefore > cachedAfter) parts.push(`the memory cache was emptied (${cachedBefore - cachedAfter} entries dropped; the next reads come from IndexedDB)`);
  }
  return parts.join('; ');
}
