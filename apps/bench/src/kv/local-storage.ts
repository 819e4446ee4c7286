import type { Entry } from '../data.js';
import type { KvContender } from './kv-contender.js';

const writeAll = async (entries: readonly Entry[]): Promise<void> => {
  for (const [k, v] of entries) localStorage.setItem(k, JSON.stringify(v));
};

/** Keys are namespaced so a scan reads only this store's items (as an app sharing the origin must). */
const PREFIX = 'bench:';

/**
 * `localStorage` + JSON, the synchronous baseline. It has no batches: a batch is a loop, the same
 * code as the "naive" pattern. `coldLoad` reads every item again (Chromium keeps the whole area in
 * the renderer's memory, so there is no cold start to measure beyond parsing).
 */
export const webLocalStorage: KvContender = {
  name: 'localStorage + JSON',
  async open() {
    localStorage.clear();
    const scan = async (): Promise<[string, unknown][]> => {
      const out: [string, unknown][] = [];
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i) as string;
        if (key.startsWith(PREFIX)) out.push([key.slice(PREFIX.length), JSON.parse(localStorage.getItem(key) as string)]);
      }
      return out;
    };
    const prefixed = (entries: readonly Entry[]): Entry[] => entries.map(([k, v]) => [PREFIX + k, v]);
    return {
      naiveSet: (entries) => writeAll(prefixed(entries)),
      setMany: (entries) => writeAll(prefixed(entries)),
      getMany: async (keys) => keys.map((k) => {
        const text = localStorage.getItem(PREFIX + k);
        return text === null ? undefined : JSON.parse(text);
      }),
      get: async (key) => {
        const text = localStorage.getItem(PREFIX + key);
        return text === null ? undefined : JSON.parse(text);
      },
      scan,
      keys: async () => {
        const out: string[] = [];
        for (let i = 0; i < localStorage.length; i++) {
          const key = localStorage.key(i) as string;
          if (key.startsWith(PREFIX)) out.push(key.slice(PREFIX.length));
        }
        return out;
      },
      coldLoad: async () => (await scan()).length,
      close: async () => localStorage.clear(),
    };
  },
};
