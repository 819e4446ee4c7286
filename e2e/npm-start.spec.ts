import { expect, test } from '@playwright/test';
import { load, row, save, swControlling } from './demo.js';
import { npmStart, type NpmStart } from './npm-start.js';

let server: NpmStart | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('the README\'s npm start serves a demo that reloads with the server stopped, with its local data', async ({ page }) => {
  server = await npmStart();
  test.info().annotations.push({ type: 'npm start ready', description: `${server.readySeconds.toFixed(1)} s` });
  await page.goto(server.url);
  await expect(page.getByTestId('usage')).toContainText('driver: indexeddb');
  await save(page, { key: 'kept', value: '"still here"' });
  // The cloud part works under npm start too: the write reaches the emulator it started.
  await expect(page.getByTestId('pending-badge')).toHaveAttribute('data-count', '0');
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-reachable', 'true');
  await swControlling(page);

  await server.stop();
  // Really gone: nothing answers at the URL any more (not a context set offline).
  await expect(fetch(server.url)).rejects.toThrow();
  const response = await page.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(page.getByTestId('usage')).toContainText('driver: indexeddb');
  await expect(row(page, 'kept')).toHaveCount(1);
  await load(page, 'kept');
  await expect(page.getByTestId('value-output')).toHaveText('"still here"');
});
