import { StowageError, storageInfo } from '@stowage/core';
import { AsyncLane } from './async-lane.js';
import { runAsync } from './callback-api.js';
import type { MiniCore } from './mini-core.js';
import { decodeMiniValue, parseMiniJson } from './mini-values.js';
import type { MirrorEntry } from './mirror.js';
import type { BatchGetStorageResult, GetStorageResult, MiniResult, MiniStorage, MiniStorageInfo } from './mini-types.js';
import { checkEncrypt, checkKey, checkKeyList, checkKvList, checkParams } from './params.js';

/** The async half of the mini API (`setStorage`, `getStorage`, …). */
export type AsyncApi = Pick<
  MiniStorage,
  'setStorage' | 'getStorage' | 'removeStorage' | 'clearStorage' | 'getStorageInfo' | 'batchSetStorage' | 'batchGetStorage'
>;

const MISSING = Symbol('missing');

const notFound = (key: string): StowageError => new StowageError('not-found', `no data for key "${key}"`, { details: { key } });

/** Parses a mirror entry back into a fresh value (Dates as Dates); an unreadable record throws its error. */
export function valueOf(e: MirrorEntry): unknown {
  return parseMiniJson(e.json);
}

/** Info in the platform's units from the mirror. */
export function mirrorInfo(core: MiniCore): MiniStorageInfo {
  const live = core.mirror.live(core.clock.now());
  return { keys: live.keys, currentSize: Math.ceil(live.bytes / 1024), limitSize: Math.floor(core.limits.maxTotalBytes / 1024) };
}

/**
 * Builds the async API. Writes go to the Storage and, once they succeed, into the mirror (so
 * `getStorageSync` sees them as soon as the promise resolves). Calls keep the platform's order
 * (`AsyncLane`); reads are served by the mirror when it is ready and by the Storage before that.
 */
export function asyncApi(core: MiniCore): AsyncApi {
  const maxKey = (): number => core.limits.maxKeyLength;
  const call = <S extends MiniResult>(api: string, option: unknown, optional: boolean, work: (p: Record<string, unknown>) => Promise<Omit<S, 'errMsg'>>): Promise<S> => {
    let params: Record<string, unknown>;
    try {
      params = checkParams(api, option, optional);
    } catch (e) {
      return runAsync<S>(api, {}, () => Promise.reject(e), core.report);
    }
    return runAsync<S>(api, params, () => {
      core.assertOpen(api);
      return work(params);
    }, core.report);
  };
  // The platform runs async calls in order (see AsyncLane), whether the mirror or, before
  // `ready()`, the Storage answers a read.
  const lane = new AsyncLane();
  const write = (api: string, staged: Parameters<MiniCore['writes']['issue']>[0], commit: () => Promise<void>, clear = false): Promise<void> =>
    lane.write(() => core.writes.issue(staged, { operation: api, behind: false, track: core.tracking, clear }, commit));
  const read = <T>(fn: (fromMirror: boolean) => Promise<T> | T): Promise<T> => lane.read(async () => fn(core.isReady));

  return {
    setStorage: (option) =>
      call('setStorage', option, false, async (p) => {
        checkKey(p.key, maxKey());
        const prep = core.prepare(p.key, p.data, { encrypt: checkEncrypt(p.encrypt), sticky: false, checkSize: false });
        await write('setStorage', [prep.write], () => core.storage.set(prep.write.key, prep.value, prep.options));
        return {};
      }),

    getStorage: <T>(option: unknown) =>
      call<GetStorageResult<T>>('getStorage', option, false, async (p) => {
        checkKey(p.key, maxKey());
        core.checkEncrypt(checkEncrypt(p.encrypt));
        const key = p.key;
        return read(async (fromMirror) => {
          if (fromMirror) {
            const e = core.mirror.get(key, core.clock.now());
            if (!e) throw notFound(key);
            return { data: valueOf(e) as T };
          }
          const v = await core.storage.get<unknown>(key, MISSING);
          if (v === MISSING) throw notFound(key);
          return { data: decodeMiniValue(v) as T };
        });
      }),

    removeStorage: (option) =>
      call('removeStorage', option, false, async (p) => {
        checkKey(p.key, maxKey());
        const key = p.key;
        await write('removeStorage', [{ key, entry: null }], () => core.storage.remove(key));
        return {};
      }),

    clearStorage: (option) =>
      call('clearStorage', option, true, async () => {
        await write('clearStorage', core.mirror.keys().map((key) => ({ key, entry: null })), () => core.storage.clear(), true);
        return {};
      }),

    getStorageInfo: (option) =>
      call('getStorageInfo', option, true, () =>
        read(async (fromMirror) => {
          if (fromMirror) return mirrorInfo(core);
          const info = await storageInfo(core.storage);
          return { keys: info.keys, currentSize: info.currentSize, limitSize: info.limitSize };
        }),
      ),

    batchSetStorage: (option) =>
      call('batchSetStorage', option, false, async (p) => {
        const list = checkKvList(p.kvList, maxKey());
        const preps = list.map((kv) => core.prepare(kv.key, kv.value, { encrypt: kv.encrypt, sticky: false, checkSize: false }));
        await write('batchSetStorage', preps.map((x) => x.write), () =>
          core.storage.batch(preps.map((x) => ({ type: 'set', key: x.write.key, value: x.value, ...(x.options ? { options: x.options } : {}) }))),
        );
        return {};
      }),

    batchGetStorage: <T>(option: unknown) =>
      call<BatchGetStorageResult<T>>('batchGetStorage', option, false, async (p) => {
        const keys = checkKeyList(p.keyList, maxKey());
        return read(async (fromMirror) => {
          if (fromMirror) {
            const now = core.clock.now();
            return { dataList: keys.map((k) => {
              const e = core.mirror.get(k, now);
              return e ? (valueOf(e) as T) : '';
            }) };
          }
          const values = await core.storage.getMany<T>(keys);
          return { dataList: values.map((v) => (v === undefined ? '' : (decodeMiniValue(v) as T))) };
        });
      }),
  } as AsyncApi;
}
