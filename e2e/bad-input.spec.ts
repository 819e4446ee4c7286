import { expect, test } from './fixtures.js';
import { openDemo, PREFIX, readRawStore, row, save } from './demo.js';

test('a value over 1 MB is refused with too-large and nothing is stored', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: 'small', value: '"ok"' });
  // The namespace's own records; sync state, outbox and analytics stats move on by themselves.
  const data = async () => Object.fromEntries(Object.entries(await readRawStore(page)).filter(([k]) => k.startsWith(`${PREFIX}:`)));
  const before = await data();

  await save(page, { key: 'huge', value: 'x'.repeat(1_100_000) });
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'too-large');
  await expect(page.getByTestId('status')).toContainText('too-large');
  await expect(row(page, 'huge')).toHaveCount(0);
  expect(await page.evaluate(() => window.__stowage.storage.has('huge'))).toBe(false);
  const after = await data();
  expect(Object.keys(after)).not.toContain(`${PREFIX}:huge`);
  expect(after).toEqual(before);
});

test('an empty key is refused with invalid-argument', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: '', value: '1' });
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'invalid-argument');
  await expect(page.getByTestId('key-row')).toHaveCount(0);
});
