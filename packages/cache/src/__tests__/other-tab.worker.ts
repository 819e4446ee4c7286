// "Another tab" for the browser tests: a separate JS realm with its own Storage and cache manager on
// the same IndexedDB database, talking to the page only through IndexedDB and BroadcastChannel.
import { createStorage } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers';
import { createCacheManager } from '../index.js';

export type TabCommand =
  | { op: 'cache-set'; dbName: string; key: string; value: unknown }
  | { op: 'cache-delete'; dbName: string; key: string }
  | { op: 'storage-set'; dbName: string; key: string; value: unknown }
  | { op: 'storage-clear'; dbName: string };

const scope = self as unknown as { onmessage: ((ev: MessageEvent<TabCommand>) => void) | null; postMessage(m: unknown): void };

scope.onmessage = async ({ data }) => {
  const storage = createStorage({ driver: indexedDbDriver({ dbName: data.dbName }), prefix: 'app' });
  const cache = createCacheManager({ storage });
  try {
    switch (data.op) {
      case 'cache-set':
        await cache.set(data.key, data.value);
        break;
      case 'cache-delete':
        await cache.delete(data.key);
        break;
      case 'storage-set':
        await storage.set(data.key, data.value);
        break;
      case 'storage-clear':
        await storage.clear();
        break;
    }
    scope.postMessage({ ok: true });
  } catch (e) {
    scope.postMessage({ ok: false, error: String(e) });
  } finally {
    await cache.close();
    await storage.close();
  }
};
