import { exportData, importData } from '@stowage/core';
import type { Storage } from 'stowage';
import type { StatusLine } from './status-line.js';

/** Options of {@link mountBackupPanel}. */
export interface BackupPanelOptions {
  /** The Download button. */
  download: HTMLButtonElement;
  /** The file input a backup is restored from. */
  file: HTMLInputElement;
  /** Merge or replace (a `<select>` with those two values). */
  mode: HTMLSelectElement;
  storage: () => Storage;
  status: StatusLine;
}

/**
 * Backup download (`storage.exportData()` as a JSON file; encrypted values stay ciphertext) and
 * restore from a chosen file (`importData`, which validates it and keeps an automatic backup of
 * what it replaces). A broken file is reported with its `StowageError` code and changes nothing.
 */
export function mountBackupPanel(o: BackupPanelOptions): void {
  o.download.addEventListener('click', () => {
    o.status.busy('exporting…');
    exportData(o.storage())
      .then((backup) => {
        const url = URL.createObjectURL(new Blob([JSON.stringify(backup, null, 2)], { type: 'application/json' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = `stowage-${backup.prefix}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
        a.click();
        // The click has started the download; the URL is no longer needed.
        setTimeout(() => URL.revokeObjectURL(url), 0);
        o.status.ok(`exported ${backup.entries.length} keys`);
      })
      .catch((err: unknown) => o.status.error(err, 'export'));
  });
  o.file.addEventListener('change', () => {
    const file = o.file.files?.[0];
    if (!file) return;
    const mode = o.mode.value === 'replace' ? 'replace' : 'merge';
    o.status.busy(`restoring ${file.name}…`);
    file
      .text()
      .then((text) => importData(o.storage(), text, { mode }))
      .then((count) => o.status.ok(`restored ${count} keys from ${file.name} (${mode})`))
      .catch((err: unknown) => o.status.error(err, 'restore'))
      .finally(() => {
        o.file.value = ''; // choosing the same file again must fire `change` again
      });
  });
}
