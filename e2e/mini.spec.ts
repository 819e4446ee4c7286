import { expect, test } from './fixtures.js';
import type { Page } from '@playwright/test';
import { openDemo } from './demo.js';

async function miniReady(page: Page): Promise<void> {
  await expect(page.getByTestId('mini-state')).toHaveAttribute('data-state', 'ready');
}

async function miniCall(page: Page, action: 'mini-set-async' | 'mini-set-sync' | 'mini-get-sync', key: string, data = ''): Promise<string> {
  await page.getByTestId('mini-key-input').fill(key);
  await page.getByTestId('mini-data-input').fill(data);
  const output = page.getByTestId('mini-output');
  // Clear the previous result's state so we wait for this call's own outcome.
  await output.evaluate((el) => {
    el.dataset.state = '';
    el.textContent = '';
  });
  await page.getByTestId(action).click();
  await expect(output).toHaveAttribute('data-state', /^(ok|error)$/);
  return (await output.textContent()) ?? '';
}

test('getStorageSync after ready() returns what setStorage wrote before a reload', async ({ page }) => {
  await openDemo(page);
  await miniReady(page);
  expect(await miniCall(page, 'mini-set-async', 'cart', '{"items":[1,2,3]}')).toContain('setStorage:ok');

  await page.reload();
  await miniReady(page);
  const out = await miniCall(page, 'mini-get-sync', 'cart');
  expect(JSON.parse(out.slice(out.indexOf('→') + 1))).toEqual({ items: [1, 2, 3] });
  // The platform answers '' for a key that was never set.
  expect(await miniCall(page, 'mini-get-sync', 'nothing-here')).toBe('getStorageSync("nothing-here") → ""');
});

test('setStorageSync is visible to getStorageSync at once and is durable after a reload', async ({ page }) => {
  await openDemo(page);
  await miniReady(page);
  await miniCall(page, 'mini-set-sync', 'draft', 'unsaved text');
  expect(await miniCall(page, 'mini-get-sync', 'draft')).toBe('getStorageSync("draft") → "unsaved text"');
  await page.evaluate(() => window.__stowage.mini.flush());

  await page.reload();
  await miniReady(page);
  expect(await miniCall(page, 'mini-get-sync', 'draft')).toBe('getStorageSync("draft") → "unsaved text"');
  expect(await miniCall(page, 'mini-set-sync', '', 'x')).toContain('invalid-argument');
});
