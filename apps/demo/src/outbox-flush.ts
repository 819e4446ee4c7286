import { createNetworkMonitor, createStowage, indexedDbDriver, type OnlinePort } from 'stowage';
import { DEMO, demoCloud } from './demo-config.js';

/** What one flush from the service worker did. */
export interface OutboxFlushResult {
  /** Keys still waiting in the sync outbox + operations still in the queue afterwards. */
  pending: number;
}

/**
 * Pushes the demo's outbox (and operation queue) from wherever it runs — the service worker's
 * `sync` event, after the tab that wrote is gone. It opens the same IndexedDB namespace with the
 * same codecs as the page (encrypted values travel as the ciphertext they are, so no passphrase is
 * needed), flushes, and closes. Web Locks keep it from flushing at the same time as an open tab.
 */
export async function flushOutbox(): Promise<OutboxFlushResult> {
  // The browser fires `sync` because it believes the network is back; the worker's navigator.onLine
  // may lag behind that (and a paused queue would flush nothing). Try: a failed request leaves the
  // writes pending, the event fails, and the browser schedules another attempt.
  const alwaysOnline: OnlinePort = { isOnline: () => true, subscribe: () => () => undefined };
  const cloud = demoCloud('demo-sw');
  if (!cloud) return { pending: 0 };
  const app = createStowage({
    prefix: DEMO.prefix,
    driver: indexedDbDriver({ dbName: DEMO.dbName }),
    cache: false,
    analytics: false,
    mini: false,
    network: createNetworkMonitor({ online: alwaysOnline }),
    cloud: { ...cloud, sync: { pullInterval: 0 } },
  });
  try {
    await app.ready();
    await app.sync?.flush();
    await app.offlineQueue?.flush();
    const pending = ((await app.sync?.status())?.pending ?? 0) + ((await app.offlineQueue?.size()) ?? 0);
    return { pending };
  } finally {
    await app.close();
    app.network.close(); // given, not owned: close() leaves it to us
  }
}
