import { cloudValue } from './cloud-docs.js';
import { expect, HarnessTab, test } from './harness-tab.js';

// Issue 27: a local `set` that commits while a pull is applying a page must never be overwritten by
// the pulled (older) value — nor pushed back under the local write's newer HLC. The race window is
// where the pull has read the pending edits but not yet the key's record, so each repetition writes
// at another moment of a fresh device's first pull (300 documents, one page); any loss fails.

const DOCS = 300;
const REPETITIONS = 10;
/** Into the pull, in ms: spread over 60–300 (the page's fetch ends at roughly 40–90 ms here, the pull at 230–400). */
const delayOf = (r: number): number => Math.round(60 + (240 * r) / (REPETITIONS - 1));
const key = (i: number): string => `key-${String(i).padStart(3, '0')}`;
const LAST = key(DOCS - 1);

/** Whose value a repetition ended with, for the failure message. */
const shown = (v: unknown): string => ((v as { by?: string } | undefined)?.by === 'B' ? "B's older value" : (v as { by?: string } | undefined)?.by === 'A' ? "A's write" : JSON.stringify(v));

interface Outcome {
  delay: number;
  written: unknown;
  local: unknown;
  cloud: unknown;
}

test(`a write during a pull of ${DOCS} documents is kept, locally and in the cloud (${REPETITIONS} repetitions)`, async ({ newDevice, emulator }) => {
  test.setTimeout(150_000);
  const outcomes: Outcome[] = [];
  for (let r = 0; r < REPETITIONS; r++) {
    const collection = `users/issue27-${r}/kv`;
    const deviceB = await newDevice();
    const b = await HarnessTab.open(deviceB, { collection });
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < DOCS - 1; i++) entries[key(i)] = { by: 'B', i };
    await b.setMany(entries);
    await b.drained();
    // Pushed last, so it is the last document of the pulled page (pulls go in commit order).
    await b.set(LAST, { by: 'B', i: DOCS - 1 });
    await b.drained();

    const deviceA = await newDevice();
    const a = await HarnessTab.open(deviceA, { collection });
    const mine = { by: 'A', repetition: r };
    const delay = delayOf(r);
    // Both in the page, so the delay is not stretched by round trips to the test runner.
    const pulled = await a.page.evaluate(
      async ({ k, v, ms }) => {
        const pull = window.harness!.pull();
        await new Promise((resolve) => setTimeout(resolve, ms));
        await window.harness!.set(k, v); // resolved: acknowledged locally
        return pull;
      },
      { k: LAST, v: mine, ms: delay },
    );
    expect(pulled).toBeGreaterThanOrEqual(DOCS - 1);
    await a.drained();
    outcomes.push({ delay, written: mine, local: await a.get(LAST), cloud: await cloudValue(emulator, collection, LAST) });
    await deviceA.close();
    await deviceB.close();
  }
  // A lost write reads as B's value locally, and in the cloud (pushed back by A's own outbox entry).
  const lost = outcomes
    .filter((o) => JSON.stringify(o.local) !== JSON.stringify(o.written) || JSON.stringify(o.cloud) !== JSON.stringify(o.written))
    .map((o) => `set ${o.delay} ms into the pull: A holds ${shown(o.local)}, the cloud ${shown(o.cloud)}`);
  test.info().annotations.push({ type: 'lost writes', description: `${lost.length} of ${REPETITIONS}` });
  expect(lost, `${lost.length} of ${REPETITIONS} acknowledged writes were lost`).toEqual([]);
});
