import { expect, test } from './fixtures.js';
import { openDemo, pendingBadge, saveMany, shoot } from './demo.js';

const KEYS = 20;
const VISITS = 5;

test('a reload in the middle of a flush loses nothing and doubles nothing', async ({ page, emulator }) => {
  await openDemo(page);
  await page.getByTestId('online-switch').uncheck();
  await saveMany(page, 'item', KEYS, (i) => JSON.stringify({ i, text: `item ${i}` }));
  for (let i = 0; i < VISITS; i++) await page.getByTestId('visit-button').click();
  await expect(pendingBadge(page)).toHaveAttribute('data-count', String(KEYS));
  await expect(page.getByTestId('ops-badge')).toHaveAttribute('data-count', String(VISITS));

  // Commits hang: the flush has read the remote state and is waiting for its write to land.
  await emulator.faults({ hang: { rpc: 'commit' } });
  await page.getByTestId('online-switch').check();
  await expect.poll(() => emulator.hungRequests()).toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByTestId('usage')).toContainText('driver: indexeddb');
  // Released, the commits sent before the reload apply now — their acknowledgements go nowhere.
  // The reloaded page (and possibly the service worker) sends the same writes again.
  await emulator.faults({ hang: false });

  await expect(pendingBadge(page)).toHaveAttribute('data-count', '0', { timeout: 30_000 });
  await expect(page.getByTestId('ops-badge')).toHaveAttribute('data-count', '0', { timeout: 30_000 });
  const remote = await emulator.keys();
  expect([...remote.keys()].sort()).toEqual(Array.from({ length: KEYS }, (_, i) => `item${i}`).sort());
  for (let i = 0; i < KEYS; i++) expect(remote.get(`item${i}`)?.value).toEqual({ i, text: `item ${i}` });
  // Increments are not idempotent by nature: a duplicate delivery would show here.
  expect(await emulator.counter('visits', 'count')).toBe(VISITS);
  await shoot(page, 'after-reload-flush');
});
