import { expect, test, type Locator, type Page } from '@playwright/test';

/** IndexedDB database, object store and namespace the demo writes to (see apps/demo/src/session.ts). */
export const DB_NAME = 'stowage-demo';
export const STORE_NAME = 'kv';
export const PREFIX = 'demo';

/** Opens the demo and waits until its first table/usage read finished (the store is open). */
export async function openDemo(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('usage')).toContainText('driver: indexeddb');
}

/** What a person types into the editor. */
export interface Entry {
  key: string;
  value: string;
  /** Seconds; empty = never. */
  ttl?: string;
  compress?: boolean;
  encrypt?: boolean;
}

/** Fills the editor and clicks Save; resolves once the status line shows the outcome. */
export async function save(page: Page, entry: Entry): Promise<void> {
  await page.getByTestId('key-input').fill(entry.key);
  await page.getByTestId('value-input').fill(entry.value);
  await page.getByTestId('ttl-input').fill(entry.ttl ?? '');
  await page.getByTestId('compress-switch').setChecked(entry.compress ?? false);
  await page.getByTestId('encrypt-switch').setChecked(entry.encrypt ?? false);
  await page.getByTestId('save-button').click();
  await settled(page);
}

/** Types a key and clicks Load; resolves once the status line shows the outcome. */
export async function load(page: Page, key: string): Promise<void> {
  await page.getByTestId('key-input').fill(key);
  await page.getByTestId('load-button').click();
  await settled(page);
}

/**
 * Clicks Clear and accepts the dialog it opens first: the demo syncs, and Clear of a synced
 * namespace deletes the cloud copy too, so it asks (see clear-confirm.spec.ts).
 */
export async function clearAll(page: Page): Promise<void> {
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('clear-button').click();
}

/** Enters a passphrase and clicks Unlock; resolves once the key derivation has finished. */
export async function unlock(page: Page, passphrase: string): Promise<void> {
  await page.getByTestId('passphrase-input').fill(passphrase);
  await page.getByTestId('unlock-button').click();
  await settled(page);
}

/** Waits until the status line is no longer "busy". */
export async function settled(page: Page): Promise<void> {
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', /^(ok|error)$/);
}

/** The key browser's row for `key`. */
export function row(page: Page, key: string): Locator {
  return page.locator(`[data-testid="key-row"][data-key="${key}"]`);
}

/** A raw record as IndexedDB holds it, with its bytes as numbers so they survive the trip to Node. */
export interface RawRecord {
  /** The record without `data`, as JSON. */
  json: string;
  /** The record's codec ids (a v2 row's closing `stowage-record-v2` marker left out). */
  codecs: string[];
  /** `data` bytes (empty for records stored as structured-clone values). */
  data: number[];
}

/**
 * Reads the store directly with `indexedDB.open` (not through Stowage): every record of the demo
 * database, keyed by its full IndexedDB key. Empty when the database or store does not exist.
 */
export async function readRawStore(page: Page): Promise<Record<string, RawRecord>> {
  return page.evaluate(
    async ({ dbName, storeName }) => {
      const request = <T>(r: IDBRequest<T>): Promise<T> =>
        new Promise((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const db = await request(indexedDB.open(dbName));
      try {
        if (!db.objectStoreNames.contains(storeName)) return {};
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
        const out: Record<string, { json: string; codecs: string[]; data: number[] }> = {};
        keys.forEach((key, i) => {
          const value = values[i] as { data?: unknown; codecs?: unknown } | undefined;
          const data = value?.data instanceof Uint8Array ? Array.from(value.data) : [];
          const json = JSON.stringify(value, (k, v: unknown) => (k === 'data' && v instanceof Uint8Array ? undefined : v));
          const ids = Array.isArray(value?.codecs) ? (value.codecs as string[]) : [];
          // Record format v2 closes every row's codec ids with a marker v1 code does not know.
          out[String(key)] = { json, codecs: ids.at(-1) === 'stowage-record-v2' ? ids.slice(0, -1) : ids, data };
        });
        return out;
      } finally {
        db.close();
      }
    },
    { dbName: DB_NAME, storeName: STORE_NAME },
  );
}

/** Saves a screenshot of one part of the page as a test artifact (test-results/<test>/<name>.png). */
export async function shoot(page: Page, name: string, testId?: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`);
  if (testId) await page.getByTestId(testId).screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

/** The sync panel's pending-writes badge. */
export function pendingBadge(page: Page): Locator {
  return page.getByTestId('pending-badge');
}

/** Waits until the service worker controls the page (its next reload is served from the cache). */
export async function swControlling(page: Page): Promise<void> {
  await expect(page.getByTestId('sw-state')).toHaveAttribute('data-state', 'controlling', { timeout: 20_000 });
}

/** Saves `count` keys `${stem}0…` with small JSON values through the editor. */
export async function saveMany(page: Page, stem: string, count: number, value = (i: number) => JSON.stringify({ i })): Promise<void> {
  for (let i = 0; i < count; i++) await save(page, { key: `${stem}${i}`, value: value(i) });
}

/**
 * Starts recording every text an activity row (progress-view.ts) shows, from now on; the returned
 * function reads what was recorded. A MutationObserver sees each step, however short it was on screen.
 */
export async function recordActivity(page: Page, testId: string): Promise<() => Promise<string[]>> {
  await page.getByTestId(testId).evaluate((row) => {
    const seen: string[] = [];
    (row as HTMLElement & { __seen?: string[] }).__seen = seen;
    const text = row.querySelector('[data-role="text"]') as HTMLElement;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.textContent) seen.push(n.textContent);
    }).observe(text, { childList: true });
  });
  return () => page.getByTestId(testId).evaluate((row) => [...((row as HTMLElement & { __seen?: string[] }).__seen ?? [])]);
}

/** The end state of an activity row: waits until it is done (or failed) and returns its text. */
export async function activityResult(page: Page, testId: string, state: 'done' | 'error' = 'done'): Promise<string> {
  const row = page.getByTestId(testId);
  await expect(row).toHaveAttribute('data-state', state);
  return (await row.locator('[data-role="text"]').textContent()) ?? '';
}
