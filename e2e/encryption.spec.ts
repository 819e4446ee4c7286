import { expect, keyIdOf, test } from './fixtures.js';
import { activityResult, load, openDemo, PREFIX, readRawStore, recordActivity, row, save, unlock } from './demo.js';

const SECRET = 'launch-code Ünïcødé 7431';

test('an encrypted value has no plaintext in IndexedDB and reads back after a reload and unlock', async ({ page }) => {
  await openDemo(page);
  await unlock(page, 'correct horse battery staple');
  await expect(page.getByTestId('status')).toHaveText('unlocked');
  await expect(page.getByTestId('passphrase-input')).toHaveValue('');
  await save(page, { key: 'secret', value: JSON.stringify({ code: SECRET }), encrypt: true });
  await expect(page.getByTestId('status')).toContainText('codecs: aes-gcm');
  await expect(row(page, 'secret').getByTestId('codec-badge')).toHaveText(['aes-gcm']);

  // Control: the same scan does find a value saved without encryption.
  await save(page, { key: 'visible', value: '"plain control text"' });
  const raw = await readRawStore(page);
  expect(raw[`${PREFIX}:visible`]?.json).toContain('plain control text');
  const record = raw[`${PREFIX}:secret`];
  expect(record?.codecs).toEqual(['aes-gcm']);
  expect(record?.data.length).toBeGreaterThan(0);
  const plain = Buffer.from(SECRET, 'utf8');
  for (const [key, r] of Object.entries(raw)) {
    expect(Buffer.from(r.data).includes(plain), `bytes of ${JSON.stringify(key)}`).toBe(false);
    expect(r.json, `record ${JSON.stringify(key)}`).not.toContain(SECRET);
    expect(r.json).not.toContain('correct horse');
  }

  await page.reload();
  // Locked again: the passphrase was not persisted anywhere.
  await load(page, 'secret');
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'decode-failed');
  await expect(page.getByTestId('value-output')).toHaveText('');

  // The unlock shows its steps (the PBKDF2 derivation alone takes a while) and ends visibly.
  const steps = await recordActivity(page, 'crypto-activity');
  await unlock(page, 'correct horse battery staple');
  await expect(page.getByTestId('status')).toHaveText('unlocked');
  expect(await activityResult(page, 'crypto-activity')).toBe('unlocked');
  const seen = await steps();
  for (const step of ['step 1 of 3: deriving the key', 'step 2 of 3: checking the passphrase', 'step 3 of 3: loading the mini-program mirror']) {
    expect(seen, step).toContainEqual(expect.stringContaining(step));
  }
  await load(page, 'secret');
  expect(JSON.parse(await page.getByTestId('value-output').textContent() ?? '')).toEqual({ code: SECRET });
});

test('a wrong passphrase gives decrypt-failed and no value; the right one still opens it', async ({ page }) => {
  await openDemo(page);
  await unlock(page, 'the right one');
  await save(page, { key: 'pin', value: '"1234"', encrypt: true });
  await expect(page.getByTestId('status')).toContainText('saved "pin"');

  await page.reload();
  await unlock(page, 'a wrong one');
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'decrypt-failed');
  await expect(page.getByTestId('status')).toContainText('decrypt-failed');
  await expect(page.getByTestId('status')).toContainText('Wrong passphrase');
  expect(await activityResult(page, 'crypto-activity', 'error')).toBe('not unlocked: wrong passphrase');
  await expect(page.getByTestId('lock-state')).not.toHaveAttribute('data-state', 'unlocked');
  await load(page, 'pin');
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('value-output')).toHaveText('');

  await unlock(page, 'the right one');
  await load(page, 'pin');
  await expect(page.getByTestId('value-output')).toHaveText('"1234"');
});

test('encrypt before unlocking is refused with invalid-argument and stores nothing', async ({ page }) => {
  await openDemo(page);
  await save(page, { key: 'early', value: 'x', encrypt: true });
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'invalid-argument');
  // Said for the person first ("unlock first"), with the code and the developer's message beside it.
  await expect(page.getByTestId('status').locator('[data-role="explanation"]')).toHaveText(/^Unlock first: encrypting needs your passphrase/);
  await expect(page.getByTestId('status').locator('[data-role="code"]')).toHaveText('invalid-argument');
  await expect(page.getByTestId('status').locator('[data-role="detail"]')).toContainText('save: ');
  expect(Object.keys(await readRawStore(page))).not.toContain(`${PREFIX}:early`);
  await unlock(page, '');
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'invalid-argument');
});

test('changing the passphrase re-encrypts every encrypted value under a new key; afterwards only the new passphrase opens them', async ({ page }) => {
  await openDemo(page);
  await unlock(page, 'the first passphrase');
  for (const key of ['one', 'two', 'three']) {
    await save(page, { key, value: JSON.stringify({ key, secret: SECRET }), encrypt: true });
    await expect(page.getByTestId('status')).toContainText(`saved "${key}"`);
  }
  await save(page, { key: 'plain', value: '"not encrypted"' });
  const encrypted = (raw: Record<string, { codecs: string[]; data: number[] }>) =>
    Object.entries(raw).filter(([k, r]) => k.startsWith(`${PREFIX}:`) && r.codecs.includes('aes-gcm'));
  const before = encrypted(await readRawStore(page));
  expect(before).toHaveLength(3);
  const oldIds = new Set(before.map(([, r]) => keyIdOf(r.data)));
  expect(oldIds.size).toBe(1);

  await page.getByTestId('new-passphrase-input').fill('the second passphrase');
  const rotation = await recordActivity(page, 'crypto-activity');
  await page.getByTestId('rekey-button').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ok');
  expect(await activityResult(page, 'crypto-activity')).toBe('passphrase changed: 3 values re-encrypted under the new key; the old key is retired');
  expect(await rotation()).toEqual(expect.arrayContaining(['re-encrypting: 0 of 3 encrypted values', 're-encrypting: 3 of 3 encrypted values']));
  await expect(page.getByTestId('status')).toContainText('passphrase changed: 3 values re-encrypted');
  await expect(page.getByTestId('new-passphrase-input')).toHaveValue('');
  const after = encrypted(await readRawStore(page));
  expect(after.map(([k]) => k).sort()).toEqual(before.map(([k]) => k).sort());
  const newIds = new Set(after.map(([, r]) => keyIdOf(r.data)));
  expect(newIds.size).toBe(1);
  expect([...newIds][0]).not.toBe([...oldIds][0]);
  for (const [, r] of after) expect(Buffer.from(r.data).includes(Buffer.from(SECRET, 'utf8'))).toBe(false);

  // Written after the change: under the new key too.
  await save(page, { key: 'four', value: '"after"', encrypt: true });
  expect(keyIdOf((await readRawStore(page))[`${PREFIX}:four`]?.data ?? [])).toBe([...newIds][0]);

  await page.reload();
  await unlock(page, 'the first passphrase');
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'decrypt-failed');
  await unlock(page, 'the second passphrase');
  await expect(page.getByTestId('status')).toHaveText('unlocked');
  for (const key of ['one', 'two', 'three']) {
    await load(page, key);
    expect(JSON.parse(await page.getByTestId('value-output').textContent() ?? '')).toEqual({ key, secret: SECRET });
  }
  await load(page, 'plain');
  await expect(page.getByTestId('value-output')).toHaveText('"not encrypted"');
});

test('changing the passphrase while locked is refused with invalid-argument', async ({ page }) => {
  await openDemo(page);
  await page.getByTestId('new-passphrase-input').fill('whatever it is');
  await page.getByTestId('rekey-button').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-code', 'invalid-argument');
  await expect(page.getByTestId('status')).toContainText('unlock with the current passphrase first');
});
