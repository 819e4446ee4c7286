import { createAnalytics, instrument, type Analytics } from '@stowage/analytics';
import { withMemoryCache, type MemoryCachedStorage } from '@stowage/cache';
import { createStorage, StowageError, toStowageError, type Storage, storageConfig } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { createMiniStorage, type MiniStorage } from '@stowage/mini';
import { createNetworkMonitor, createOfflineQueue, createSync, type OfflineQueue, type RemoteStore, type Sync } from '@stowage/sync';
import { keepOpen } from './keep-open.js';
import { lazyFirestoreRemote, type LazyFirestoreRemote } from './lazy-firestore-remote.js';
import { resolveCodecs } from './resolve-codecs.js';
import type { Stowage, StowageOptions } from './stowage-types.js';

const OPTIONS = ['prefix', 'driver', 'compression', 'encryption', 'cache', 'cloud', 'analytics', 'mini', 'network', 'storage'];

/**
 * One import for a front-end app: a namespaced IndexedDB storage with compression (and encryption
 * when given a passphrase), an LRU memory tier, usage analytics, the mini-program API and — with
 * `cloud` — key/value sync plus an offline operation queue, all on one driver. Every piece is on
 * the result, so nothing is hidden from those who need control.
 *
 * Layers, inside out: `local` (createStorage, with analytics' operation layer attached by
 * `instrument`) ← sync engine (joins its write transactions) ← `cache` (withMemoryCache, whose
 * memory hits reach the same layer) = `storage`; the mini API over `local` (its mirror is the
 * namespace's memory copy, so its reads do not fill the tier).
 *
 * @example
 * ```ts
 * const app = createStowage({
 *   prefix: 'notes',
 *   encryption: { passphrase },
 *   cloud: { firebaseOptions: { projectId: 'my-app' }, collectionPath: `users/${uid}/kv` },
 * });
 * await app.ready();
 * await app.storage.set('draft', { text: 'hi' }, { encrypt: true }); // stored, then pushed when online
 * ```
 */
export function createStowage(options: StowageOptions = {}): Stowage {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new StowageError('invalid-argument', 'createStowage: options must be an object');
  }
  const unknown = Object.keys(options).filter((k) => !OPTIONS.includes(k));
  if (unknown.length > 0) throw new StowageError('invalid-argument', `createStowage: unknown option ${unknown.join(', ')}`, { details: { options: unknown } });
  const prefix = options.prefix ?? 'app';
  const codecs = resolveCodecs(options);
  const driver = options.driver ?? indexedDbDriver({ dbName: 'stowage' });
  const storageOptions = { ...options.storage, ...codecs };
  const local = createStorage({ ...storageOptions, driver, prefix });
  const shared = (p: string): Storage => createStorage({ ...storageOptions, driver: keepOpen(driver), prefix: p });

  const cache: MemoryCachedStorage | undefined = options.cache === false ? undefined : withMemoryCache(local, options.cache ?? {});
  const analyticsOptions = options.analytics === false ? undefined : (options.analytics ?? {});
  const analyticsStorage = analyticsOptions && !analyticsOptions.storage ? shared(`${prefix}.analytics`) : undefined;
  const analytics: Analytics | undefined = analyticsOptions ? createAnalytics({ ...analyticsOptions, ...(analyticsStorage ? { storage: analyticsStorage } : {}) }) : undefined;
  const storage = analytics ? instrument(cache ?? local, analytics) : (cache ?? local);
  if (analytics && cache) analytics.attachCache(cache, { name: 'memory' });

  const network = options.network ?? createNetworkMonitor();
  let remote: RemoteStore | undefined;
  let sync: Sync | undefined;
  let offlineQueue: OfflineQueue | undefined;
  const cloud = options.cloud;
  if (cloud !== undefined) {
    if (typeof cloud !== 'object' || cloud === null) throw new StowageError('invalid-argument', 'createStowage: cloud must be an object');
    const { sync: syncOptions, offlineQueue: queueOptions, remote: given, ...firestore } = cloud;
    remote = given ?? lazyFirestoreRemote(firestore as Parameters<typeof lazyFirestoreRemote>[0]);
    // The engine works on the bare storage: it reads raw records and applies pulled ones below the
    // memory tier, whose copies it invalidates through the storage's change events.
    sync = createSync({ ...syncOptions, storage: local, remote, network });
    if (queueOptions !== false) offlineQueue = createOfflineQueue({ ...queueOptions, storage: local, remote, network });
    if (analytics) analytics.attachSync(sync);
  }

  // The mini API works on the bare storage, not through the memory tier: its mirror already holds
  // every value of the namespace, so the values it re-reads (another writer's changes) kept in the
  // LRU too would be held twice, and would push the app's hot keys out. Its writes reach the tier
  // as the storage's change events; analytics observes the same kernel either way.
  const miniStorage = options.mini === false ? undefined : options.mini?.prefix && options.mini.prefix !== prefix ? shared(options.mini.prefix) : local;
  const mini: MiniStorage | undefined = miniStorage ? createMiniStorage({ storage: miniStorage, limits: storageConfig(local).limits }) : undefined;

  let readyP: Promise<void> | undefined;
  let closeP: Promise<void> | undefined;
  return {
    storage, local, cache, mini, sync, offlineQueue, remote, network, analytics,
    ready() {
      if (closeP) return Promise.reject(new StowageError('closed', 'this stowage is closed'));
      readyP ??= Promise.all([
        local.ready(),
        sync?.ready(),
        offlineQueue?.ready(),
        analytics?.ready(),
        (remote as Partial<LazyFirestoreRemote> | undefined)?.load?.(),
      ]).then(
        () => undefined,
        (e: unknown) => {
          readyP = undefined;
          throw toStowageError(e, 'createStowage ready');
        },
      );
      return readyP;
    },
    close() {
      closeP ??= (async () => {
        // Users of the storages first, then the storages, the app's own (which closes the driver) last.
        const settle = async (p: Promise<unknown> | undefined): Promise<void> => void (await p?.catch(() => undefined));
        await settle(readyP);
        await Promise.all([settle(mini?.flush()), settle(analytics?.close()), settle(sync?.close()), settle(offlineQueue?.close())]);
        await settle(mini?.close());
        await Promise.all([settle(analyticsStorage?.close()), settle(miniStorage !== local ? miniStorage?.close() : undefined)]);
        await settle((remote as Partial<LazyFirestoreRemote> | undefined)?.close?.());
        if (!options.network) network.close();
        await local.close();
      })();
      return closeP;
    },
  };
}
