import { cloudDocs, cloudValue } from './cloud-docs.js';
import type { Emulator } from './fixtures.js';
import { expect, HarnessTab, test } from './harness-tab.js';

// Issue 26: a local edit that lost a pull's conflict ('remote-wins') must never be pushed later —
// not by another tab of the device, not after a reload. Every write here is acknowledged locally,
// B's by the cloud too, so the one the cloud, A and B must all end on is B's newer `b1`.

const KEY = 'k';
/**
 * Outbox retry delay of device A's tabs: far beyond the test, so a refused push is retried only
 * when its tab reconnects. That makes the tab whose partition ends (A1) the one that drains, as in
 * the issue — with the default backoff, whichever tab's timer fires first would.
 */
const NO_TIMER_RETRY = 600_000;

/** Lets the wall clock move on, so the next write's HLC is later on every device (not a timing assertion). */
const later = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

/** Waits until `tab` has tried to push and been refused (its entry is then backed off, not in flight). */
async function pushRefused(tab: HarnessTab): Promise<void> {
  await expect.poll(async () => (await tab.events()).some((e) => e.type === 'error' && e.error?.startsWith('push')), { message: 'the partitioned tab never tried to push' }).toBe(true);
}

/** What the cloud and each named tab hold for {@link KEY}, after every tab has pulled once more. */
async function settled(emulator: Emulator, collection: string, tabs: Record<string, HarnessTab>): Promise<Record<string, unknown>> {
  for (const tab of Object.values(tabs)) await tab.pull();
  const state: Record<string, unknown> = { cloud: await cloudValue(emulator, collection, KEY) };
  for (const [name, tab] of Object.entries(tabs)) state[name] = await tab.get(KEY);
  return state;
}

test('two tabs, a delete: the tab that deleted does not push its delete over the newer value another tab pulled', async ({ newDevice, emulator }) => {
  const collection = 'users/issue26-delete/kv';
  const deviceA = await newDevice();
  const deviceB = await newDevice();
  const a1 = await HarnessTab.open(deviceA, { collection, conflict: 'remote-wins', backoff: NO_TIMER_RETRY });
  const b = await HarnessTab.open(deviceB, { collection, conflict: 'remote-wins' });

  await b.set(KEY, 'b0');
  await b.drained();
  await a1.pull();
  expect(await a1.get(KEY)).toBe('b0');

  await a1.partition();
  await a1.remove(KEY);
  await pushRefused(a1);
  // A2 opens once A1's refused delete is backed off, so it is never A2 that pushes it first.
  const a2 = await HarnessTab.open(deviceA, { collection, conflict: 'remote-wins', backoff: NO_TIMER_RETRY });

  await later();
  await b.set(KEY, 'b1');
  await b.drained();
  expect(await cloudValue(emulator, collection, KEY)).toBe('b1');

  // The pending delete meets b1: remote wins, device A shows b1.
  await a2.pull();
  expect(await a2.get(KEY)).toBe('b1');
  expect(await a1.get(KEY)).toBe('b1');

  // A1's partition ends and it drains the outbox.
  await a1.heal();
  await a1.drained();

  expect(await settled(emulator, collection, { a1, a2, b })).toEqual({ cloud: 'b1', a1: 'b1', a2: 'b1', b: 'b1' });
});

test('one tab, a reload: the new engine does not push a delete that lost a pull before the reload', async ({ newDevice, emulator }) => {
  const collection = 'users/issue26-reload/kv';
  const deviceA = await newDevice();
  const deviceB = await newDevice();
  const a = await HarnessTab.open(deviceA, { collection, conflict: 'remote-wins' });
  const b = await HarnessTab.open(deviceB, { collection, conflict: 'remote-wins' });

  await b.set(KEY, 'b0');
  await b.drained();
  await a.pull();
  expect(await a.get(KEY)).toBe('b0');

  // A goes offline: its outbox pauses and keeps the delete.
  await a.setOnline(false);
  await a.remove(KEY);
  await later();
  await b.set(KEY, 'b1');
  await b.drained();

  // A pulls anyway (offline is what the app was told, not a cut cable): remote wins, A shows b1.
  await a.pull();
  expect(await a.get(KEY)).toBe('b1');

  // A reload starts a new engine, online, before the old one had a chance to drop the delete.
  await a.reload();
  await a.drained();

  expect(await settled(emulator, collection, { a, b })).toEqual({ cloud: 'b1', a: 'b1', b: 'b1' });
});

test('two tabs, a set: the cloud revision never goes back, so an older offline write cannot win later', async ({ newDevice, emulator }) => {
  const collection = 'users/issue26-set/kv';
  const deviceA = await newDevice();
  const deviceB = await newDevice();
  const deviceC = await newDevice();
  const a1 = await HarnessTab.open(deviceA, { collection, conflict: 'remote-wins', backoff: NO_TIMER_RETRY });
  const b = await HarnessTab.open(deviceB, { collection });
  const c = await HarnessTab.open(deviceC, { collection, conflict: 'last-write-wins' });

  await b.set(KEY, 'b0');
  await b.drained();
  await a1.pull();
  await c.pull();
  expect(await c.get(KEY)).toBe('b0');

  await a1.partition();
  await a1.set(KEY, 'a1');
  await pushRefused(a1);
  const a2 = await HarnessTab.open(deviceA, { collection, conflict: 'remote-wins', backoff: NO_TIMER_RETRY });

  // C, offline, writes after A1; B writes after C and pushes: b1 is the newest write of all.
  await c.setOnline(false);
  await later();
  await c.set(KEY, 'c1');
  await later();
  await b.set(KEY, 'b1');
  await b.drained();
  const pushedByB = (await cloudDocs(emulator, collection)).get(KEY)!;
  expect(pushedByB.value).toBe('b1');

  await a2.pull();
  expect(await a2.get(KEY)).toBe('b1');

  await a1.heal();
  await a1.drained();
  const afterA1 = (await cloudDocs(emulator, collection)).get(KEY)!;
  expect.soft(afterA1.hlc >= pushedByB.hlc, `the cloud's revision of ${KEY} went back from ${pushedByB.hlc} (B's b1) to ${afterA1.hlc} (value ${JSON.stringify(afterA1.value)})`).toBe(true);

  // C comes online: by last-write-wins its older offline write must lose to b1.
  await c.setOnline(true);
  await c.drained();

  expect(await settled(emulator, collection, { a1, a2, b, c })).toEqual({ cloud: 'b1', a1: 'b1', a2: 'b1', b: 'b1', c: 'b1' });
});
