import type { BrowserContext, Page } from '@playwright/test';
import { expect, test as base } from './fixtures.js';
import type { HarnessEvent } from '../apps/demo/src/sync-harness.js';
import { FaultProxy, type FaultProxyOptions } from './fault-proxy.js';

/** What a harness tab's URL asks for (see apps/demo/src/harness-options.ts). */
export interface HarnessQuery {
  /** Firestore collection of the key documents, e.g. `users/t1/kv`. */
  collection: string;
  /** Storage namespace (and so sync state and outbox). @default 'harness' */
  prefix?: string;
  conflict?: 'last-write-wins' | 'remote-wins' | 'local-wins';
  /** Outbox retry delay in ms (no jitter). @default the library's backoff */
  backoff?: number;
  /** Start with the outbox paused. */
  offline?: boolean;
  /** `host:port` the tab reaches the emulator at (a fault proxy). @default the address built into the demo */
  emulator?: string;
}

/** How a local value reads in assertions: the value, or `<absent>`. */
export const ABSENT = '<absent>';

/**
 * `test` (with the emulator fixture) plus `newDevice()`: a device is a browser context of its own
 * (own IndexedDB, locks and channels), with service workers blocked so `page.route` sees every
 * request its tabs make; and `newProxy()`: a {@link FaultProxy} in front of the emulator, whose
 * `address` a tab takes as its `emulator`. Devices, then proxies, are closed after the test,
 * passed or not.
 */
export const test = base.extend<{ newDevice: () => Promise<BrowserContext>; newProxy: (options: FaultProxyOptions) => Promise<FaultProxy> }>({
  newDevice: async ({ browser, baseURL }, use) => {
    const devices: BrowserContext[] = [];
    await use(async () => {
      const device = await browser.newContext({ ...(baseURL ? { baseURL } : {}), serviceWorkers: 'block' });
      devices.push(device);
      return device;
    });
    for (const device of devices) await device.close();
  },
  newProxy: async ({ emulator }, use) => {
    const proxies: FaultProxy[] = [];
    await use(async (options) => {
      const proxy = await FaultProxy.start(emulator.url, options);
      proxies.push(proxy);
      return proxy;
    });
    for (const proxy of proxies) await proxy.close();
  },
});

export { expect };

/**
 * One tab of the sync harness page (apps/demo/sync-harness.html), driven through `window.harness`.
 * Tabs of one device are pages of one context: they share its database, outbox and flush lock.
 */
export class HarnessTab {
  readonly page: Page;
  readonly #emulatorUrl: string;
  #partitioned = false;

  private constructor(page: Page, emulatorUrl: string) {
    this.page = page;
    this.#emulatorUrl = emulatorUrl;
  }

  /** Opens a tab in `device` and waits until its sync engine is ready. */
  static async open(device: BrowserContext, query: HarnessQuery): Promise<HarnessTab> {
    const emulatorUrl = query.emulator ? `http://${query.emulator}` : (process.env.E2E_EMULATOR_URL ?? 'http://127.0.0.1:8181');
    const tab = new HarnessTab(await device.newPage(), emulatorUrl);
    const q = new URLSearchParams({ collection: query.collection, prefix: query.prefix ?? 'harness', conflict: query.conflict ?? 'last-write-wins' });
    if (query.backoff !== undefined) q.set('backoff', String(query.backoff));
    if (query.offline) q.set('offline', '1');
    if (query.emulator) q.set('emulator', query.emulator);
    await tab.page.goto(`/sync-harness.html?${q}`);
    await tab.ready();
    return tab;
  }

  /** Waits until the page's harness is up (after open or reload). */
  async ready(): Promise<void> {
    await expect(this.page.locator('body')).toHaveAttribute('data-state', /^(ready|error)$/);
    await expect(this.page.getByTestId('harness-state')).toHaveText(/^ready/);
  }

  /** Reloads the tab: a new sync engine, nothing kept in memory. */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.ready();
  }

  set(key: string, value: unknown): Promise<void> {
    return this.page.evaluate(([k, v]) => window.harness!.set(k, v), [key, value] as const);
  }

  setMany(entries: Record<string, unknown>): Promise<void> {
    return this.page.evaluate((e) => window.harness!.setMany(e), entries);
  }

  remove(key: string): Promise<void> {
    return this.page.evaluate((k) => window.harness!.remove(k), key);
  }

  /** The local value, or {@link ABSENT}. */
  get(key: string): Promise<unknown> {
    return this.page.evaluate(async ([k, absent]) => (await window.harness!.get(k)) ?? absent, [key, ABSENT] as const);
  }

  pull(): Promise<number> {
    return this.page.evaluate(() => window.harness!.pull());
  }

  flush(): Promise<void> {
    return this.page.evaluate(() => window.harness!.flush());
  }

  pending(): Promise<number> {
    return this.page.evaluate(async () => (await window.harness!.status()).pending);
  }

  /** Adds one offline increment of the stats counter; resolved once durable (acknowledged). */
  increment(): Promise<void> {
    return this.page.evaluate(() => window.harness!.increment());
  }

  flushOperations(): Promise<void> {
    return this.page.evaluate(() => window.harness!.flushOperations());
  }

  /** Offline operations of the device not yet applied. */
  operations(): Promise<number> {
    return this.page.evaluate(async () => (await window.harness!.status()).operations);
  }

  setOnline(online: boolean): Promise<void> {
    return this.page.evaluate((o) => window.harness!.setOnline(o), online);
  }

  events(): Promise<HarnessEvent[]> {
    return this.page.evaluate(() => window.harness!.events());
  }

  /** Flushes until the device's outbox is empty (every tab's entries: the outbox is shared). */
  async drained(timeout = 30_000): Promise<void> {
    await expect
      .poll(async () => {
        await this.flush();
        return this.pending();
      }, { timeout, message: 'outbox never drained' })
      .toBe(0);
  }

  /**
   * Refuses every request this tab makes to the emulator (a partition of this tab only: page
   * routes are per page, and service workers are blocked, so nothing goes around it).
   */
  async partition(): Promise<void> {
    await this.page.route(`${this.#emulatorUrl}/**`, (route) => route.abort('connectionrefused'));
    this.#partitioned = true;
  }

  /**
   * Ends the partition, and the tab notices the network is back (as the browser's `online` event
   * would tell it): its outbox resets backoff, drains and pulls.
   */
  async heal(): Promise<void> {
    if (this.#partitioned) await this.page.unrouteAll({ behavior: 'wait' });
    this.#partitioned = false;
    await this.setOnline(false);
    await this.setOnline(true);
  }
}
