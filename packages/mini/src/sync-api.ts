import { mirrorInfo, valueOf } from './async-api.js';
import { syncError } from './err-msg.js';
import type { MiniCore, Prepared } from './mini-core.js';
import type { MiniStorage } from './mini-types.js';
import { checkKey, checkKeyList, checkKvList } from './params.js';
import type { StagedWrite } from './write-tracker.js';

/** The Sync half of the mini API (`setStorageSync`, `getStorageSync`, …). */
export type SyncApi = Pick<
  MiniStorage,
  'setStorageSync' | 'getStorageSync' | 'removeStorageSync' | 'clearStorageSync' | 'getStorageInfoSync' | 'batchSetStorageSync' | 'batchGetStorageSync'
>;

/**
 * Builds the Sync API over the mirror. Reads never touch the Storage. Writes are validated in full
 * (key, value, per-key size, namespace total — against the mirror's byte accounting) before
 * anything changes, then shown in the mirror at once and written behind: every write of one tick
 * is issued to the Storage in that tick, and the Storage's auto-batching commits them in one
 * transaction. A write-behind the store refuses anyway is rolled back in the mirror and reported.
 */
export function syncApi(core: MiniCore): SyncApi {
  /** Runs a Sync call; every failure becomes a StowageError whose message is the platform's errMsg. */
  const sync = <T>(api: string, fn: () => T): T => {
    try {
      core.assertReady(api);
      return fn();
    } catch (e) {
      throw syncError(api, e);
    }
  };
  const behind = (api: string, staged: readonly StagedWrite[], commit: () => Promise<void>, clear = false): void => {
    // Failures are rolled back and reported by the tracker; the promise itself is not anyone's to await.
    core.writes.issue(staged, { operation: api, behind: true, track: true, clear }, commit).catch(() => undefined);
  };
  const setOp = (x: Prepared) => ({ type: 'set' as const, key: x.write.key, value: x.value, ...(x.options ? { options: x.options } : {}) });

  return {
    setStorageSync: (key, data) =>
      sync('setStorageSync', () => {
        checkKey(key, core.limits.maxKeyLength);
        const prep = core.prepare(key, data, { encrypt: undefined, sticky: true, checkSize: true });
        core.checkQuota([prep.write]);
        behind('setStorageSync', [prep.write], () => core.storage.set(key, prep.value, prep.options));
      }),

    getStorageSync: <T>(key: string) =>
      sync('getStorageSync', () => {
        checkKey(key, core.limits.maxKeyLength);
        const e = core.mirror.get(key, core.clock.now());
        return e ? (valueOf(e) as T) : '';
      }),

    removeStorageSync: (key) =>
      sync('removeStorageSync', () => {
        checkKey(key, core.limits.maxKeyLength);
        behind('removeStorageSync', [{ key, entry: null }], () => core.storage.remove(key));
      }),

    clearStorageSync: () =>
      sync('clearStorageSync', () => {
        behind('clearStorageSync', core.mirror.keys().map((key) => ({ key, entry: null })), () => core.storage.clear(), true);
      }),

    getStorageInfoSync: () => sync('getStorageInfoSync', () => mirrorInfo(core)),

    batchSetStorageSync: (kvList) =>
      sync('batchSetStorageSync', () => {
        const list = checkKvList(kvList, core.limits.maxKeyLength);
        const preps = list.map((kv) => core.prepare(kv.key, kv.value, { encrypt: kv.encrypt, sticky: true, checkSize: true }));
        core.checkQuota(preps.map((x) => x.write));
        behind('batchSetStorageSync', preps.map((x) => x.write), () => core.storage.batch(preps.map(setOp)));
      }),

    batchGetStorageSync: <T>(keyList: string[]) =>
      sync('batchGetStorageSync', () => {
        const keys = checkKeyList(keyList, core.limits.maxKeyLength);
        const now = core.clock.now();
        return keys.map((k) => {
          const e = core.mirror.get(k, now);
          return e ? (valueOf(e) as T) : '';
        });
      }),
  } as SyncApi;
}
