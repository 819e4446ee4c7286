import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { activityResult, load, openDemo, pendingBadge, recordActivity, save, shoot, unlock } from './demo.js';

test('online: a save reaches the emulator; the switch takes the app offline and back', async ({ page, emulator }) => {
  await openDemo(page);
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'online');
  await save(page, { key: 'note', value: '{"text":"hello cloud"}' });
  await expect.poll(async () => (await emulator.keys()).get('note')?.value).toEqual({ text: 'hello cloud' });
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '0');
  await expect(page.getByTestId('last-sync')).not.toHaveText('never');

  await page.getByTestId('online-switch').uncheck();
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'offline');
  await save(page, { key: 'note', value: '{"text":"edited offline"}' });
  await save(page, { key: 'todo', value: '"later"' });
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '2');
  expect((await emulator.keys()).get('note')?.value).toEqual({ text: 'hello cloud' });
  await shoot(page, 'sync-offline', 'sync-panel');

  await page.getByTestId('online-switch').check();
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '0');
  const remote = await emulator.keys();
  expect(remote.get('note')?.value).toEqual({ text: 'edited offline' });
  expect(remote.get('todo')?.value).toBe('later');
});

test('full sync pulls what another device wrote and shows its progress', async ({ browser, page, emulator }) => {
  const other = await browser.newContext();
  const device = await other.newPage();
  await openDemo(device);
  for (const k of ['a', 'b', 'c']) await save(device, { key: `remote-${k}`, value: `"${k}"` });
  await expect.poll(async () => (await emulator.keys()).size).toBe(3);
  await other.close();

  await openDemo(page);
  const phases = await recordActivity(page, 'sync-activity');
  await page.getByTestId('full-sync').click();
  await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-done', 'true');
  // The page's start-up pull may have brought some keys already, so the count is not fixed.
  expect(await activityResult(page, 'sync-activity')).toMatch(/^full sync done: \d+ keys? updated from the cloud, 0 local keys pushed$/);
  const seen = await phases();
  expect(seen).toContainEqual(expect.stringMatching(/^full sync, step 1 of 2: pulling every remote document… \d+ so far$/));
  expect(seen).toContainEqual('full sync, step 2 of 2: pushing local keys the cloud lacks: 0 of 0');
  await expect(page.getByTestId('sync-message')).toContainText('full sync: pulled');
  await expect(page.getByTestId('key-row')).toHaveCount(3);
  const bar = page.getByTestId('sync-progress');
  expect(await bar.evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true);
  await load(page, 'remote-b');
  await expect(page.getByTestId('value-output')).toHaveText('"b"');
  await shoot(page, 'full-sync', 'sync-panel');
});

test('a refused push is dead-lettered; Retry delivers it once the cloud accepts it again', async ({ page, emulator }) => {
  await openDemo(page);
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'online');
  // Every read of the push transaction answers 403: permission-denied is permanent, not retried.
  await emulator.faults({ failNext: { count: 100, status: 403, rpc: 'batchGet' } });
  await save(page, { key: 'forbidden', value: '"x"' });
  const letter = page.getByTestId('dead-letter');
  await expect(letter).toHaveCount(1);
  await expect(letter).toHaveAttribute('data-key', 'forbidden');
  await expect(letter).toContainText('permission-denied');
  await expect(pendingBadge(page)).toHaveAttribute('data-count', '0');
  expect((await emulator.keys()).has('forbidden')).toBe(false);
  await shoot(page, 'dead-letter', 'sync-panel');

  await emulator.clearFaults();
  await letter.getByTestId('retry-dead').click();
  await expect(letter).toHaveCount(0);
  await expect.poll(async () => (await emulator.keys()).get('forbidden')?.value).toBe('x');
});

test('a conflicting offline edit is resolved last-write-wins and listed under Conflicts', async ({ browser, page, emulator }) => {
  await openDemo(page);
  await save(page, { key: 'shared', value: '"v1"' });
  await expect.poll(async () => (await emulator.keys()).get('shared')?.value).toBe('v1');
  await page.getByTestId('online-switch').uncheck();
  await save(page, { key: 'shared', value: '"mine, older"' });

  // Another device edits the same key later and pushes first.
  const other = await browser.newContext();
  const device = await other.newPage();
  await openDemo(device);
  await device.getByTestId('sync-now').click();
  await expect(device.getByTestId('key-row')).toHaveCount(1);
  // The page's own start-up pull may have brought the key already: the count is 0 or 1.
  expect(await activityResult(device, 'sync-activity')).toMatch(/^sync done: outbox pushed, [01] keys? updated from the cloud$/);
  await save(device, { key: 'shared', value: '"theirs, newer"' });
  await expect.poll(async () => (await emulator.keys()).get('shared')?.value).toBe('theirs, newer');
  await other.close();

  await page.getByTestId('online-switch').check();
  const conflict = page.getByTestId('conflict');
  await expect(conflict.first()).toHaveAttribute('data-key', 'shared');
  await expect(conflict.first()).toContainText('remote won');
  await load(page, 'shared');
  await expect(page.getByTestId('value-output')).toHaveText('"theirs, newer"');
  expect((await emulator.keys()).get('shared')?.value).toBe('theirs, newer');
  await shoot(page, 'conflict', 'sync-panel');
});

test('the offline operation queue counts visits offline and applies each exactly once', async ({ page, emulator }) => {
  await openDemo(page);
  await page.getByTestId('online-switch').uncheck();
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('visit-button').click();
    await expect(page.getByTestId('ops-badge')).toHaveAttribute('data-count', String(i + 1));
  }
  expect(await emulator.counter('visits', 'count')).toBeUndefined();
  await page.getByTestId('online-switch').check();
  await expect(page.getByTestId('ops-badge')).toHaveAttribute('data-count', '0');
  expect(await emulator.counter('visits', 'count')).toBe(3);
});

test('an encrypted key reaches the cloud as ciphertext only', async ({ page, emulator }) => {
  const secret = 'correct-horse-7431';
  await openDemo(page);
  await unlock(page, 'pass phrase');
  await save(page, { key: 'secret', value: JSON.stringify({ pin: secret }), encrypt: true });
  await save(page, { key: 'plain', value: JSON.stringify({ pin: secret }) });
  await expect.poll(async () => (await emulator.keys()).size).toBe(2);
  const remote = await emulator.keys();
  expect(remote.get('plain')?.value).toEqual({ pin: secret }); // control: plaintext is findable
  expect(remote.get('secret')).toMatchObject({ encrypted: true, value: undefined });
  const raw = JSON.stringify(Object.fromEntries(await emulator.collection('kv')));
  expect(raw.split(secret).length - 1).toBe(1); // only the plain key's copy
});

/**
 * On a device that has never opened the demo: a full sync brings `key` as ciphertext; unlocking with
 * `wrong` is refused (decrypt-failed) and leaves nothing that keeps `right` out; `right` opens it.
 */
async function opensOnlyWith(device: Page, o: { wrong: string; right: string; key: string; value: unknown }): Promise<void> {
  await openDemo(device);
  await device.getByTestId('full-sync').click();
  await expect(device.getByTestId('sync-progress')).toHaveAttribute('data-done', 'true');
  await unlock(device, o.wrong);
  await expect(device.getByTestId('status')).toHaveAttribute('data-code', 'decrypt-failed');
  await load(device, o.key);
  await expect(device.getByTestId('value-output')).toHaveText('');
  await unlock(device, o.right);
  await expect(device.getByTestId('status')).toHaveText('unlocked');
  await load(device, o.key);
  expect(JSON.parse((await device.getByTestId('value-output').textContent()) ?? '')).toEqual(o.value);
}

test('another device with the same passphrase opens a synced encrypted key; one with another passphrase cannot', async ({ browser, page, emulator }) => {
  const secret = 'launch-window-0412';
  const other = await browser.newContext();
  const device = await other.newPage();
  await openDemo(device);
  await unlock(device, 'shared pass phrase');
  await save(device, { key: 'secret', value: JSON.stringify({ pin: secret }), encrypt: true });
  await expect.poll(async () => (await emulator.keys()).get('secret')?.encrypted).toBe(true);
  await other.close();

  // This device has its own IndexedDB and so its own keyring (own salt): it derives the key from the
  // passphrase and the derivation the ciphertext carries.
  await opensOnlyWith(page, { wrong: 'a different pass phrase', right: 'shared pass phrase', key: 'secret', value: { pin: secret } });
});

test('after Change passphrase the cloud copy is re-encrypted: another device opens it with the new passphrase, not the old one', async ({ browser, page, emulator }) => {
  const secret = 'vault-code-7731';
  await openDemo(page);
  await unlock(page, 'the first pass phrase');
  await save(page, { key: 'secret', value: JSON.stringify({ code: secret }), encrypt: true });
  await expect.poll(async () => (await emulator.keys()).get('secret')?.keyId).toBeTruthy();
  const before = (await emulator.keys()).get('secret')?.keyId;

  await page.getByTestId('new-passphrase-input').fill('the second pass phrase');
  await page.getByTestId('rekey-button').click();
  await expect(page.getByTestId('status')).toContainText('passphrase changed: 1 values re-encrypted');
  await expect.poll(async () => (await emulator.keys()).get('secret')?.keyId).not.toBe(before);

  const other = await browser.newContext();
  await opensOnlyWith(await other.newPage(), { wrong: 'the first pass phrase', right: 'the second pass phrase', key: 'secret', value: { code: secret } });
  await other.close();
});
