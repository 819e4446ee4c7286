import type { Storage, StorageEvent } from '@stowage/core';

/** What a memory tier must drop when its storage reports a change. */
export interface InvalidationHandlers {
  /** One key was written or removed (by this tab or, `source: 'remote'`, another one). */
  key(key: string, event: Extract<StorageEvent, { type: 'set' | 'remove' }>): void;
  /** Any key may have changed (`clear`, `import`). */
  all(): void;
}

/** Subscribes to the storage's change events and routes them to `handlers`; returns the unsubscribe. */
export function watchStorage(storage: Storage, handlers: InvalidationHandlers): () => void {
  return storage.subscribe((e) => {
    switch (e.type) {
      case 'set':
      case 'remove':
        handlers.key(e.key, e);
        return;
      case 'clear':
      case 'import':
        handlers.all();
        return;
      case 'fallback':
      case 'error':
        return;
    }
  });
}
