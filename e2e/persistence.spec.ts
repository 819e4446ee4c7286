import { expect, test } from './fixtures.js';
import { clearAll, load, openDemo, PREFIX, readRawStore, row, save } from './demo.js';

test('a saved value survives a reload and shows in the key browser', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: 'profile', value: '{"name":"Ada","langs":["en","fr"]}' });
  await expect(page.getByTestId('status')).toContainText('saved "profile"');
  await expect(row(page, 'profile')).toHaveCount(1);

  await page.reload();
  await expect(row(page, 'profile')).toHaveCount(1);
  await expect(row(page, 'profile').getByTestId('key-expiry')).toHaveText('—');
  await load(page, 'profile');
  await expect(page.getByTestId('status')).toHaveText('loaded "profile"');
  expect(JSON.parse(await page.getByTestId('value-output').textContent() ?? '')).toEqual({ name: 'Ada', langs: ['en', 'fr'] });
  await expect(page.getByTestId('usage')).toContainText(/1 keys · persistent · driver: indexeddb/);
});

test('text that is not JSON is stored as a string, and Remove / Clear delete keys', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: 'note', value: 'hello {world' });
  await save(page, { key: 'n', value: '42' });
  await load(page, 'note');
  await expect(page.getByTestId('value-output')).toHaveText('"hello {world"');
  await load(page, 'n');
  await expect(page.getByTestId('value-output')).toHaveText('42');

  await page.getByTestId('key-input').fill('note');
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('status')).toHaveText('removed "note"');
  await expect(row(page, 'note')).toHaveCount(0);
  await load(page, 'note');
  await expect(page.getByTestId('status')).toHaveText('"note" is absent');
  await expect(page.getByTestId('value-output')).toHaveText('');

  await clearAll(page);
  await expect(page.getByTestId('key-rows').getByTestId('key-row')).toHaveCount(0);
  expect(Object.keys(await readRawStore(page)).filter((k) => k.startsWith(`${PREFIX}:`))).toEqual([]);
});

test('compress stores a repetitive value deflated: smaller than raw, with a deflate badge', async ({ page }) => {
  await openDemo(page);
  const value = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ id: i, status: 'pending', tags: ['offline', 'first'] })) });
  await save(page, { key: 'big-list', value, compress: true });
  const r = row(page, 'big-list');
  await expect(r.getByTestId('codec-badge')).toHaveText(['deflate']);
  const size = Number(await r.getByTestId('key-size').textContent());
  const rawSize = Number(await r.getByTestId('key-raw-size').textContent());
  expect(rawSize).toBe(new TextEncoder().encode(value).length);
  expect(size).toBeLessThan(rawSize / 4);

  await page.reload();
  await load(page, 'big-list');
  expect(JSON.parse(await page.getByTestId('value-output').textContent() ?? '')).toEqual(JSON.parse(value));
});
