// Issue 25 item 6: Clear of the synced namespace deletes the cloud copy too, so the demo asks
// first and says so; Cancel deletes nothing (here or in the cloud), OK deletes both.
import { expect, test } from './fixtures.js';
import { openDemo, row, save, settled } from './demo.js';

test('Clear asks before deleting the synced namespace, naming the cloud copy: Cancel keeps everything, OK deletes here and in the cloud', async ({ page, emulator }) => {
  await openDemo(page);
  await save(page, { key: 'keep-me', value: '"safe"' });
  await expect.poll(async () => (await emulator.keys()).get('keep-me')?.value).toBe('safe');

  const asked: string[] = [];
  page.once('dialog', (dialog) => {
    asked.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.getByTestId('clear-button').click();
  await expect(page.getByTestId('status')).toHaveText('clear cancelled: nothing deleted');
  expect(asked).toHaveLength(1);
  expect(asked[0]).toMatch(/^confirm: Clear deletes every key of "demo" on this device AND its copy in the cloud \(users\/demo\/kv\)/);
  await expect(row(page, 'keep-me')).toHaveCount(1);
  expect((await emulator.keys()).get('keep-me')?.deleted).toBe(false);

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('clear-button').click();
  await settled(page);
  await expect(page.getByTestId('status')).toHaveText('cleared every key of this namespace');
  await expect(row(page, 'keep-me')).toHaveCount(0);
  await expect.poll(async () => (await emulator.keys()).get('keep-me')?.deleted).toBe(true);
});
