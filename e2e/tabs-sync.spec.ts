import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { openDemo, pendingBadge, save, shoot } from './demo.js';

const ROUNDS = 4;
const PER_ROUND = 3;

/** Records every key this tab's sync engine pushes, in `window.__pushed`. */
async function recordPushes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __pushed: string[] };
    w.__pushed = [];
    window.__stowage.app.sync?.subscribe((e) => {
      if (e.type === 'pushed') w.__pushed.push(...e.keys);
    });
  });
}

const pushed = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __pushed: string[] }).__pushed);

test('two tabs writing while the network flaps: one flusher at a time, every write delivered once', async ({ context, emulator }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openDemo(a);
  await openDemo(b);
  await Promise.all([recordPushes(a), recordPushes(b)]);

  const expected = new Map<string, number>();
  let visits = 0;
  for (let r = 0; r < ROUNDS; r++) {
    await context.setOffline(r % 2 === 0);
    for (let i = 0; i < PER_ROUND; i++) {
      // Interleaved writes from both tabs; each key is written once, so a second push of it would be a duplicate.
      await save(a, { key: `a-${r}-${i}`, value: String(r * 10 + i) });
      await save(b, { key: `b-${r}-${i}`, value: String(r * 10 + i) });
      expected.set(`a-${r}-${i}`, r * 10 + i);
      expected.set(`b-${r}-${i}`, r * 10 + i);
    }
    await a.getByTestId('visit-button').click();
    await b.getByTestId('visit-button').click();
    visits += 2;
  }
  await context.setOffline(false);

  for (const page of [a, b]) {
    await expect(pendingBadge(page)).toHaveAttribute('data-count', '0', { timeout: 30_000 });
    await expect(page.getByTestId('ops-badge')).toHaveAttribute('data-count', '0', { timeout: 30_000 });
  }
  const remote = await emulator.keys();
  expect(Object.fromEntries([...remote].map(([k, v]) => [k, v.value]))).toEqual(Object.fromEntries(expected));
  expect(await emulator.counter('visits', 'count')).toBe(visits);

  // The outbox is shared (one IndexedDB): whichever tab held the lock pushed an entry, never both.
  const all = [...(await pushed(a)), ...(await pushed(b))];
  expect(all.length).toBeGreaterThan(0);
  expect(all.length).toBe(new Set(all).size);
  // Both tabs show the same data.
  await expect(a.getByTestId('key-row')).toHaveCount(expected.size);
  await expect(b.getByTestId('key-row')).toHaveCount(expected.size);
  await shoot(a, 'tab-a');
  await shoot(b, 'tab-b');
});

test('two tabs editing one key in turn: each edit goes on top of the one before, no conflict', async ({ context, emulator }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openDemo(a);
  await openDemo(b);
  for (let r = 0; r < 3; r++) {
    for (const [page, name] of [[a, 'a'], [b, 'b']] as const) {
      await save(page, { key: 'shared', value: `${name}${r}` });
      await expect(pendingBadge(a)).toHaveAttribute('data-count', '0', { timeout: 30_000 });
      await expect.poll(async () => (await emulator.keys()).get('shared')?.value, { timeout: 30_000 }).toBe(`${name}${r}`);
    }
  }
  // Whichever tab pushed an edit, it went on the revision the other tab had pushed: nothing to resolve.
  await expect(a.getByTestId('conflict')).toHaveCount(0);
  await expect(b.getByTestId('conflict')).toHaveCount(0);
});
