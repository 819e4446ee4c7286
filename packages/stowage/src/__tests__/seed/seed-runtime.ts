import { memoryDriver } from '@stowage/core';
import type { Driver, StorageLimits } from '@stowage/core';
import { createMiniStorage, type MiniStorage } from '@stowage/mini';

/*
 * What seed 001's code finds around it on the platform, besides storage: `Page()`, `require()` of
 * the app's own modules, `module.exports`, the UI (`showModal`, `showToast`, `showLoading`, …) and
 * the network status. Storage is Stowage's `createMiniStorage`; the rest are recording stand-ins,
 * since they are the platform's UI, not storage. A fixture runs as the platform would run it: as
 * the body of a CommonJS module.
 */

/** A page made by `Page(definition)`: the definition's methods, `data`, and `setData`. */
export type SeedPage = Record<string, unknown> & { data: Record<string, unknown>; setData(patch: Record<string, unknown>): void };

/** One call of a platform UI function, or one console line. */
export interface SeedCall {
  api: string;
  args: unknown[];
}

/** A mini-program world over one driver. */
export interface SeedWorld {
  /** Stowage's mini storage, plus the UI stand-ins: what the seed calls `wx`. */
  readonly wx: MiniStorage & Record<string, unknown>;
  readonly mini: MiniStorage;
  /** UI calls and console lines, in order. */
  readonly calls: SeedCall[];
  readonly pages: SeedPage[];
  /** Runs a fixture as a module (`require` finds the modules run before it by file name); returns its `module.exports`. */
  run(name: string, source: string, self?: object): unknown;
  /** Registers an app module the seed's code `require`s but the seed does not show (e.g. `./cloud`). */
  provide(name: string, exports: unknown): void;
  /** Lets the platform's `onNetworkStatusChange` listeners know. */
  setNetwork(isConnected: boolean): void;
  /** Console lines of `level` (log, error…), as strings. */
  logs(level?: string): string[];
}

/** Creates the world; `await world.mini.ready()` before running code that uses the Sync API (the one line ports add). */
export function seedWorld(options: { driver?: Driver; limits?: StorageLimits } = {}): SeedWorld {
  const mini = createMiniStorage({ driver: options.driver ?? memoryDriver(), broadcast: false, pagehideTarget: false, ...(options.limits ? { limits: options.limits } : {}) });
  const calls: SeedCall[] = [];
  const pages: SeedPage[] = [];
  const modules = new Map<string, unknown>();
  const network: ((res: { isConnected: boolean; networkType: string }) => void)[] = [];
  const record = (api: string) => (...args: unknown[]) => void calls.push({ api, args });
  const ui = {
    showModal: (o: { success?: (r: { confirm: boolean; cancel: boolean }) => void }) => {
      record('showModal')(o);
      o.success?.({ confirm: false, cancel: true });
    },
    showToast: record('showToast'),
    showLoading: record('showLoading'),
    hideLoading: record('hideLoading'),
    redirectTo: record('redirectTo'),
    onNetworkStatusChange: (listener: (typeof network)[number]) => void network.push(listener),
    getNetworkType: (o: { success?: (r: { networkType: string }) => void }) => o.success?.({ networkType: 'wifi' }),
  };
  const wx = Object.assign(Object.create(null) as Record<string, unknown>, mini, ui) as MiniStorage & Record<string, unknown>;
  const console = Object.fromEntries(['log', 'info', 'warn', 'error'].map((level) => [level, record(`console.${level}`)]));
  const Page = (definition: Record<string, unknown>) => {
    const page = { ...definition, data: structuredClone(definition.data ?? {}) } as SeedPage;
    page.setData = (patch) => void Object.assign(page.data, patch);
    pages.push(page);
  };
  const require = (path: string): unknown => {
    const name = path.split('/').pop() as string;
    if (!modules.has(name)) throw new Error(`seed require: no module ${path} (run it first)`);
    return modules.get(name);
  };
  return {
    wx, mini, calls, pages,
    run(name, source, self) {
      const module = { exports: {} as unknown };
      // The seed's code, unchanged, as the body of a CommonJS module (the platform's module system).
      new Function('wx', 'Page', 'require', 'module', 'exports', 'console', source).call(self, wx, Page, require, module, module.exports, console);
      modules.set(name.replace(/\.js$/, ''), module.exports);
      return module.exports;
    },
    provide: (name, exports) => void modules.set(name, exports),
    setNetwork(isConnected) {
      for (const l of network) l({ isConnected, networkType: isConnected ? 'wifi' : 'none' });
    },
    logs: (level = 'log') => calls.filter((c) => c.api === `console.${level}`).map((c) => c.args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
  };
}

/** Lets callbacks, write-behinds and promise chains of the seed's code run. */
export async function settle(mini: MiniStorage): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  await mini.flush();
}
