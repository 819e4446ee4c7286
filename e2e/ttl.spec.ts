import { expect, test } from './fixtures.js';
import { load, openDemo, PREFIX, readRawStore, row, save } from './demo.js';

test('a key with a TTL counts down, then disappears from the browser and reads as absent', async ({ page }) => {
  // Fake timers before the page loads, so Date.now() (the storage clock) and the countdown timer are
  // ours; paused after load, so time moves only when the test says (no real seconds slip in).
  const start = new Date('2030-01-01T00:00:00Z').getTime();
  await page.clock.install({ time: start });
  await openDemo(page);
  await page.clock.pauseAt(start + 60_000);
  await save(page, { key: 'session', value: '{"token":"abc"}', ttl: '30' });
  await save(page, { key: 'forever', value: '1' });
  const expiring = row(page, 'session');
  await expect(expiring.getByTestId('key-expiry')).toHaveText('30s');
  await expect(row(page, 'forever').getByTestId('key-expiry')).toHaveText('—');

  await page.clock.fastForward(20_000);
  await expect(expiring.getByTestId('key-expiry')).toHaveText('10s');
  await load(page, 'session');
  await expect(page.getByTestId('value-output')).toHaveText(/"token": "abc"/);

  await page.clock.fastForward(11_000);
  await expect(expiring).toHaveCount(0);
  await expect(row(page, 'forever')).toHaveCount(1);
  await load(page, 'session');
  await expect(page.getByTestId('status')).toHaveText('"session" is absent');
  await expect(page.getByTestId('value-output')).toHaveText('');
  expect(await page.evaluate(() => window.__stowage.storage.has('session'))).toBe(false);
  // Reading the expired key also deleted it from IndexedDB (lazily, in the background).
  await expect.poll(async () => Object.keys(await readRawStore(page))).not.toContain(`${PREFIX}:session`);
});

test('a non-numeric or negative TTL is refused with invalid-argument', async ({ page }) => {
  await openDemo(page);
  for (const ttl of ['soon', '-5']) {
    await save(page, { key: 'k', value: '1', ttl });
    await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'invalid-argument');
  }
  await expect(row(page, 'k')).toHaveCount(0);
});
