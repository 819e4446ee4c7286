import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from './fixtures.js';
import { clearAll, load, openDemo, row, save, settled, shoot } from './demo.js';

test('storage gauge: currentSize / limitSize grows with a write; the browser estimate is shown', async ({ page }) => {
  await openDemo(page);
  const gauge = page.getByTestId('gauge');
  await expect(page.getByTestId('gauge-text')).toContainText('/ 10240 KB');
  const before = Number(await gauge.getAttribute('data-usage'));
  await save(page, { key: 'blob', value: JSON.stringify('z'.repeat(200_000)) });
  await expect.poll(async () => Number(await gauge.getAttribute('data-usage'))).toBeGreaterThan(before + 0.01);
  await expect(page.getByTestId('gauge-text')).toContainText(/^\d+ KB \/ 10240 KB \(\d+\.\d %\)$/);
  await expect(page.getByTestId('gauge-estimate')).toContainText('browser estimate for this origin:');
  await shoot(page, 'gauge', 'gauge');
});

test('cache panel: a loaded key sits in the LRU and a second read is a memory hit', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: 'cached', value: '{"n":1}' });
  await save(page, { key: 'other', value: '2' });
  await load(page, 'cached'); // miss: read from IndexedDB, kept in memory
  await load(page, 'cached'); // hit
  const keys = page.getByTestId('cache-keys').getByTestId('cache-key');
  await expect(keys.first()).toHaveText('cached');
  const rate = page.getByTestId('cache-hit-rate');
  await expect.poll(async () => Number(await rate.getAttribute('data-hits'))).toBeGreaterThanOrEqual(1);
  await expect(rate).not.toHaveText('0 %');
  // A write drops the memory copy: the LRU never serves a value the storage would not.
  await save(page, { key: 'cached', value: '{"n":2}' });
  await expect(keys.filter({ hasText: /^cached$/ })).toHaveCount(0);
  await load(page, 'cached');
  await expect(page.getByTestId('value-output')).toContainText('"n": 2');
  await shoot(page, 'cache', 'cache-panel');
});

test('analytics dashboard: operations over time, hot keys and hit rate are drawn from real traffic', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: 'hot', value: '1' });
  for (let i = 0; i < 4; i++) await load(page, 'hot');
  await save(page, { key: 'cold', value: '2' });
  await load(page, 'missing');
  const summary = page.getByTestId('analytics-summary');
  await expect.poll(async () => Number(await summary.getAttribute('data-writes'))).toBe(2);
  await expect.poll(async () => Number(await summary.getAttribute('data-reads'))).toBeGreaterThanOrEqual(5);
  const hot = page.getByTestId('chart-hot').getByTestId('chart-bar');
  await expect(hot.first()).toHaveAttribute('data-label', 'hot');
  expect(Number(await hot.first().getAttribute('data-value'))).toBeGreaterThanOrEqual(5);
  // The last 5-second bucket of the operations chart holds what we just did.
  const ops = page.getByTestId('chart-ops').getByTestId('chart-bar');
  await expect(ops).toHaveCount(12);
  await expect.poll(async () => (await ops.evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-value'))))).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(7);
  await expect(page.getByTestId('chart-hit-rate').getByTestId('chart-line')).toHaveAttribute('points', /,/);
  await shoot(page, 'analytics', 'analytics-panel');
});

test('backup: download a JSON backup, clear, restore it from the file; a broken file changes nothing', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: 'profile', value: '{"name":"Ada"}' });
  await save(page, { key: 'theme', value: '"dark"', ttl: '3600' });
  const downloading = page.waitForEvent('download');
  await page.getByTestId('backup-download').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^stowage-demo-.*\.json$/);
  const file = test.info().outputPath('backup.json');
  await download.saveAs(file);
  const backup = JSON.parse(await readFile(file, 'utf8')) as { prefix: string; entries: { key: string }[] };
  expect(backup.prefix).toBe('demo');
  expect(backup.entries.map((e) => e.key).sort()).toEqual(['profile', 'theme']);

  await clearAll(page);
  await settled(page);
  await expect(page.getByTestId('key-row')).toHaveCount(0);

  await page.getByTestId('backup-file').setInputFiles(file);
  await expect(page.getByTestId('status')).toContainText('restored 2 keys');
  await expect(row(page, 'profile')).toHaveCount(1);
  await load(page, 'profile');
  await expect(page.getByTestId('value-output')).toContainText('"Ada"');
  await expect(row(page, 'theme').getByTestId('key-expiry')).not.toHaveText('—');

  const broken = test.info().outputPath('broken.json');
  await writeFile(broken, '{"format":"something else"}');
  await page.getByTestId('backup-file').setInputFiles(broken);
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'invalid-argument');
  await expect(page.getByTestId('key-row')).toHaveCount(2);
  await shoot(page, 'backup');
});
