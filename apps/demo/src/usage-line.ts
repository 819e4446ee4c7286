import type { StorageInfo } from 'stowage';

/** Formats `storageInfo(storage)` the way the mini-program platform reports usage (KB). */
export function formatUsage(info: StorageInfo): string {
  const persistence = info.persistent ? 'persistent' : 'NOT persistent (memory fallback)';
  return `${info.currentSize} KB of ${info.limitSize} KB used · ${info.keys.length} keys · ${persistence} · driver: ${info.driver}`;
}
