import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { load, openDemo, save, settled, unlock } from './demo.js';

// A broken layout must fail, a font hinting difference must not: a fixed viewport and scale, a
// fixed locale and time zone, and up to 2 % of a panel's pixels may differ. The baselines live in
// e2e/screenshots/ (playwright.config.ts) and are produced by the same Debian Chromium CI runs;
// `pnpm playwright test e2e/visual.spec.ts --update-snapshots` rewrites them after a wanted change.
test.use({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC', colorScheme: 'light' });

/** The session's clock: Date is frozen (timers keep running) and moved by hand between steps, so buckets and countdowns come out the same on every run. */
const T0 = Date.parse('2026-01-05T09:00:00Z');

/** Every panel of the page, by the heading that names it. */
const PANELS = ['editor', 'unlock', 'browser', 'gauge', 'cache', 'sync', 'analytics', 'backup', 'mini', 'health'] as const;
const panel = (page: Page, name: (typeof PANELS)[number]): Locator => page.locator(`section[aria-labelledby="${name}-title"]`);

/** A scripted session that puts something into every panel: unlock first, so one stowage (and one analytics) sees it all. */
async function session(page: Page): Promise<void> {
  await page.clock.setFixedTime(T0);
  await openDemo(page);
  await unlock(page, 'a demo passphrase');
  await save(page, { key: 'profile', value: '{"name":"Ada","langs":["en","fr"]}' });
  await save(page, { key: 'theme', value: '"dark"', ttl: '3600' });
  await page.clock.setFixedTime(T0 + 20_000);
  await save(page, { key: 'notes', value: JSON.stringify('offline first, '.repeat(40)), compress: true });
  await save(page, { key: 'pin', value: '"4711"', encrypt: true });
  for (let i = 0; i < 3; i++) await load(page, 'profile');
  await load(page, 'missing');
  await page.clock.setFixedTime(T0 + 40_000);
  await load(page, 'theme');
  await load(page, 'pin');
  await expect(page.getByTestId('pending-badge')).toHaveAttribute('data-count', '0');
  await page.getByTestId('full-sync').click();
  await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-done', 'true');
  await page.getByTestId('visit-button').click();
  await expect(page.getByTestId('ops-badge')).toHaveAttribute('data-count', '0');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('backup-download').click();
  await downloading;
  await expect(page.getByTestId('backup-activity')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('mini-state')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('mini-key-input').fill('cart');
  await page.getByTestId('mini-data-input').fill('{"items":[1,2]}');
  await page.getByTestId('mini-set-sync').click();
  await expect(page.getByTestId('mini-output')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('health-check').click();
  await expect(page.getByTestId('health-storage')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('health-remote')).toHaveAttribute('data-ok', 'true');
  await page.clock.setFixedTime(T0 + 55_000);
  // The last editor message, so the status line shows a person-facing error with its code.
  await save(page, { key: '', value: '1' });
  await settled(page);
}

test('every panel after a scripted session looks like its committed screenshot', async ({ page }) => {
  await session(page);
  // The page redraws once a second: wait for a redraw at the final time (the ops chart's newest bar).
  await expect(page.getByTestId('chart-ops').getByTestId('chart-bar').last()).toHaveAttribute('data-value', /^[1-9]/);
  for (const name of PANELS) {
    await expect(panel(page, name)).toHaveScreenshot(`${name}.png`, {
      // Clocks and browser estimates (elapsed times, last sync, quota) differ per run by nature.
      mask: [page.locator('[data-volatile]')],
      maxDiffPixelRatio: 0.02,
      animations: 'disabled',
      caret: 'hide',
    });
  }
});
