import { asyncApi } from './async-api.js';
import { MiniCore } from './mini-core.js';
import type { MiniStorage, MiniStorageOptions } from './mini-types.js';
import { syncApi } from './sync-api.js';

/**
 * The WeChat mini-program storage API (`wx.setStorage`, `wx.getStorageSync`, …) for web apps, so
 * mini-program code runs unchanged on a Stowage Storage (IndexedDB, encryption, TTL, tabs).
 *
 * - Async APIs take `success`/`fail`/`complete` and also return a promise of the same result.
 * - Sync APIs are served by an in-memory mirror: `await mini.ready()` first. Writes show at once
 *   and are written behind (one transaction per tick); `flush()` waits until they are durable.
 * - The mirror follows other tabs' writes on the same store.
 *
 * Every method is a plain function, so `const wx = createMiniStorage(…)` or destructuring works.
 *
 * @param options `{ storage }` to wrap an existing Storage, or the options of one to build
 *   (`prefix` @default 'mini'), plus `limits`, `clock`, `onError`, `pagehideTarget`.
 * @example
 * const wx = createMiniStorage({ driver: indexedDbDriver({ dbName: 'app' }) });
 * await wx.ready();
 * wx.setStorageSync('logs', [Date.now()]);
 * wx.getStorage({ key: 'logs', success: (res) => console.log(res.data) });
 */
export function createMiniStorage(options: MiniStorageOptions = {}): MiniStorage {
  const core = new MiniCore(options);
  return {
    storage: core.storage,
    get isReady() {
      return core.isReady;
    },
    ready: () => core.ready(),
    flush: () => core.flush(),
    subscribe: (listener) => core.subscribe(listener),
    close: () => core.close(),
    ...asyncApi(core),
    ...syncApi(core),
  };
}
