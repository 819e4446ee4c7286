import { expect, test } from './fixtures.js';
import { activityResult, load, openDemo, pendingBadge, row, save, shoot, swControlling } from './demo.js';

test('writes made while the browser is offline count up on the badge and reach the emulator once back online', async ({ page, context, emulator }) => {
  await openDemo(page);
  await context.setOffline(true);
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'offline');
  await save(page, { key: 'offline-1', value: '{"n":1}' });
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '1');
  await save(page, { key: 'offline-2', value: '{"n":2}' });
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '2');
  await save(page, { key: 'offline-1', value: '{"n":11}' });
  // Coalesced per key: three writes, two keys to push.
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '2');
  expect((await emulator.keys()).size).toBe(0);
  // The activity row says what waits and why, as 0 of 2.
  const drain = page.getByTestId('sync-activity');
  await expect(drain).toHaveAttribute('data-total', '2');
  await expect(drain).toHaveAttribute('data-done', '0');
  await expect(drain).toContainText('2 changes waiting to be pushed (offline');
  await shoot(page, 'offline-pending', 'sync-panel');

  await context.setOffline(false);
  expect(await activityResult(page, 'sync-activity')).toBe('pushed 2 changes to the cloud; nothing waiting');
  await expect(drain).toHaveAttribute('data-done', '2');
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '0');
  await expect.poll(async () => Object.fromEntries([...(await emulator.keys())].map(([k, v]) => [k, v.value]))).toEqual({
    'offline-1': { n: 11 },
    'offline-2': { n: 2 },
  });
  await shoot(page, 'offline-delivered', 'sync-panel');
});

test('a reload while offline loads the app shell from the service worker, with the local data', async ({ page, context }) => {
  await openDemo(page);
  await save(page, { key: 'kept', value: '"available offline"' });
  await swControlling(page);
  await context.setOffline(true);
  const response = await page.reload();
  // Served by the service worker: the network is off for this context.
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(page.getByTestId('usage')).toContainText('driver: indexeddb');
  await expect(row(page, 'kept')).toHaveCount(1);
  await load(page, 'kept');
  await expect(page.getByTestId('value-output')).toHaveText('"available offline"');
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'offline');
  await shoot(page, 'offline-shell');
});

test('pending writes of a closed tab are delivered by the service worker (Background Sync) on reconnect', async ({ page, context, emulator }) => {
  await openDemo(page);
  await swControlling(page);
  await context.setOffline(true);
  await save(page, { key: 'left-behind-1', value: '"a"' });
  await save(page, { key: 'left-behind-2', value: '{"b":[1,2]}' });
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '2');
  // The page asked for a Background Sync while writes were pending.
  await expect(page.getByTestId('sw-state')).toHaveAttribute('data-sync-tag', 'registered');
  await shoot(page, 'before-close', 'sync-panel');
  await page.close();
  expect(context.pages()).toHaveLength(0);
  expect((await emulator.keys()).size).toBe(0);

  // No page of the app is open: only the service worker can deliver them.
  await context.setOffline(false);
  await expect
    .poll(async () => Object.fromEntries([...(await emulator.keys())].map(([k, v]) => [k, v.value])), { timeout: 30_000 })
    .toEqual({ 'left-behind-1': 'a', 'left-behind-2': { b: [1, 2] } });
  expect(context.pages()).toHaveLength(0);

  // A new tab finds the outbox empty: nothing is pushed twice.
  const again = await context.newPage();
  await openDemo(again);
  await expect(pendingBadge(again)).toHaveAttribute('data-count', '0');
});

test('the service worker flushes the outbox on request (the fallback where Background Sync is missing)', async ({ page, emulator }) => {
  await openDemo(page);
  await swControlling(page);
  // The app switch is off: the page does not push and asks for no Background Sync.
  await page.getByTestId('online-switch').uncheck();
  await save(page, { key: 'via-message', value: '"delivered by the worker"' });
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '1');
  expect((await emulator.keys()).size).toBe(0);
  const reply = await page.evaluate(() => window.__stowage.flushViaWorker());
  expect(reply).toEqual({ ok: true, pending: 0 });
  expect((await emulator.keys()).get('via-message')?.value).toBe('delivered by the worker');
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '0');
});
