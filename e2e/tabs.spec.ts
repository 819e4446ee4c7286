import { expect, test } from './fixtures.js';
import { clearAll, load, openDemo, row, save } from './demo.js';

test("two tabs see each other's writes without a reload", async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openDemo(a);
  await openDemo(b);

  await save(a, { key: 'from-a', value: '{"n":1}' });
  await expect(row(b, 'from-a')).toHaveCount(1);
  await load(b, 'from-a');
  await expect(b.getByTestId('value-output')).toContainText('"n": 1');

  await save(b, { key: 'from-b', value: '"hi"', ttl: '600' });
  await expect(row(a, 'from-b')).toHaveCount(1);
  await expect(row(a, 'from-b').getByTestId('key-expiry')).toHaveText(/^\d+s$/);
  await expect(a.getByTestId('usage')).toContainText('2 keys');

  await b.getByTestId('key-input').fill('from-a');
  await b.getByTestId('remove-button').click();
  await expect(row(a, 'from-a')).toHaveCount(0);

  await clearAll(a);
  await expect(b.getByTestId('key-row')).toHaveCount(0);
});
