import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from './fixtures.js';
import { activityResult, clearAll, load, openDemo, recordActivity, row, save, settled, shoot } from './demo.js';

test('storage gauge: currentSize / limitSize grows with a write; the browser estimate is shown', async ({ page }) => {
  await openDemo(page);
  const gauge = page.getByTestId('gauge');
  await expect(page.getByTestId('gauge-text')).toContainText('of 10240 KB used');
  const before = Number(await gauge.getAttribute('data-usage'));
  await save(page, { key: 'blob', value: JSON.stringify('z'.repeat(200_000)) });
  await expect.poll(async () => Number(await gauge.getAttribute('data-usage'))).toBeGreaterThan(before + 0.01);
  await expect(page.getByTestId('gauge-text')).toContainText(/^\d+ KB of 10240 KB used \((< 0\.1|\d+\.\d) %\) by 1 key$/);
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
  // Readable without hovering: axes say what they count, bars and points carry their values.
  await expect(page.getByTestId('chart-ops').locator('text.axis-title')).toHaveText(['operations', 'seconds ago (one bar = 5 s)']);
  await expect(page.getByTestId('chart-ops').locator('text.tick').first()).toHaveText('0');
  await expect(hot.first().locator('text.value')).toHaveText(await hot.first().getAttribute('data-value') ?? '');
  await expect(page.getByTestId('chart-hit-rate').locator('text.axis-title')).toHaveText(['found, %', 'seconds ago (one point = 5 s)']);
  await expect(page.getByTestId('chart-hit-rate').locator('text.tick')).toContainText(['0', '25', '50', '75', '100']);
  await expect(page.getByTestId('chart-hit-rate').getByTestId('chart-point').last().locator('text.value')).toHaveText(/^\d+ %$/);
  // Every count in the summary is labelled with what it counts.
  await expect(summary.locator('dt')).toContainText(['reads by this tab', 'writes by this tab', 'deletes by this tab', 'changes that came in from other tabs or the cloud', "this tab's changes pushed to the cloud"]);
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

  const restoring = await recordActivity(page, 'backup-activity');
  await page.getByTestId('backup-file').setInputFiles(file);
  await expect(page.getByTestId('status')).toContainText('restored 2 keys');
  expect(await activityResult(page, 'backup-activity')).toBe('restored 2 keys (merge)');
  expect(await restoring()).toContainEqual(expect.stringContaining('checking and writing 2 keys'));
  await expect(row(page, 'profile')).toHaveCount(1);
  await load(page, 'profile');
  await expect(page.getByTestId('value-output')).toContainText('"Ada"');
  await expect(row(page, 'theme').getByTestId('key-expiry')).not.toHaveText('—');

  const broken = test.info().outputPath('broken.json');
  await writeFile(broken, '{"format":"something else"}');
  await page.getByTestId('backup-file').setInputFiles(broken);
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'invalid-argument');
  await expect(page.getByTestId('status')).toContainText('This file is not a Stowage backup');
  expect(await activityResult(page, 'backup-activity', 'error')).toBe('nothing restored (invalid-argument)');
  await expect(page.getByTestId('key-row')).toHaveCount(2);
  await shoot(page, 'backup');
});

test('a replace-mode restore says what it removed, the memory cache it emptied included', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: 'kept', value: '1' });
  const downloading = page.waitForEvent('download');
  await page.getByTestId('backup-download').click();
  const file = test.info().outputPath('backup.json');
  await (await downloading).saveAs(file);
  await save(page, { key: 'extra', value: '2' });
  await load(page, 'extra');
  await load(page, 'kept');
  const cached = page.getByTestId('cache-keys').getByTestId('cache-key');
  await expect(cached).toHaveCount(2);

  await page.getByTestId('backup-mode').selectOption('replace');
  await page.getByTestId('backup-file').setInputFiles(file);
  expect(await activityResult(page, 'backup-activity')).toMatch(
    /^restored 1 key \(replace\); 1 key not in the file was removed; the memory cache was emptied \(\d+ entries dropped; the next reads come from IndexedDB\)$/,
  );
  await expect(cached).toHaveCount(0);
  await expect(row(page, 'extra')).toHaveCount(0);
});

test('health and thresholds: checkHealth of the storage and of the cloud, a usage warning at its fraction that clears, a hit-rate warning', async ({ page }) => {
  await openDemo(page);
  await page.getByTestId('health-check').click();
  const local = page.getByTestId('health-storage');
  await expect(local).toHaveAttribute('data-ok', 'true');
  await expect(local).toContainText(/^healthy · driver indexeddb · opens yes · write, read back, delete of a probe key yes \(\d+ ms\) · survives a reload/);
  const cloud = page.getByTestId('health-remote');
  await expect(cloud).toHaveAttribute('data-ok', 'true');
  await expect(cloud).toContainText(/^healthy · reachable yes · read allowed yes · round trip \d+ ms$/);

  // Usage against the namespace's 10 MB limit: at 1 % (about 102 KB) a 200 KB value warns, its removal clears it.
  const usage = page.getByTestId('usage-warning');
  await expect(usage).toHaveAttribute('data-state', 'below');
  await page.getByTestId('usage-threshold').fill('1');
  await page.getByTestId('usage-threshold').dispatchEvent('change');
  await expect(usage).toContainText('below the 1.0 % warning threshold');
  await save(page, { key: 'blob', value: JSON.stringify('z'.repeat(200_000)) });
  await expect(usage).toHaveAttribute('data-state', 'above');
  await expect(usage).toHaveText(/^⚠ usage warning: \d\.\d % of the 10240 KB limit is used, at or above the 1\.0 % threshold$/);
  await page.getByTestId('key-input').fill('blob');
  await page.getByTestId('remove-button').click();
  await settled(page);
  await expect(usage).toHaveAttribute('data-state', 'below');

  // The memory cache: ten reads of keys it does not hold put the hit rate of the last ten reads at 0 %.
  const hitRate = page.getByTestId('hit-rate-warning');
  for (let i = 0; i < 10; i++) await load(page, `absent-${i}`);
  await expect(hitRate).toHaveAttribute('data-state', 'low');
  await expect(hitRate).toHaveText(/^⚠ hit-rate warning: \d+ % of the last 10 reads came from memory, below the 50 % threshold$/);
  await save(page, { key: 'hot', value: '1' });
  for (let i = 0; i < 10; i++) await load(page, 'hot');
  await expect(hitRate).toHaveAttribute('data-state', 'ok');
  await shoot(page, 'health', 'health-panel');
});
