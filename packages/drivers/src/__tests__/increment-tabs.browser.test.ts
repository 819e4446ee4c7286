// increment() from two tabs at once over the real IndexedDB of Chromium: each tab is a module
// worker (its own realm, its own connection, truly in parallel with the other), so their reads and
// commits interleave as two pages' would. Nothing may be lost or counted twice.
import { afterEach, describe, expect, it } from 'vitest';
import { createStorage } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import type { IncrementCommand, IncrementReply } from './increment-tab.worker.js';

const workers: Worker[] = [];
afterEach(() => {
  for (const w of workers.splice(0)) w.terminate();
});

function tab(): (c: IncrementCommand) => Promise<number[] | undefined> {
  const worker = new Worker(new URL('./increment-tab.worker.ts', import.meta.url), { type: 'module' });
  workers.push(worker);
  return (command) =>
    new Promise((resolve, reject) => {
      worker.onmessage = (ev: MessageEvent<IncrementReply>) => (ev.data.ok ? resolve(ev.data.values) : reject(new Error(ev.data.error)));
      worker.onerror = (ev) => reject(new Error(ev.message));
      worker.postMessage(command);
    });
}

/** How often the sequence of counts passes from one tab's answers to the other's. */
function switches(a: number[], b: number[]): number {
  const owner = new Map<number, string>([...a.map((v) => [v, 'a'] as const), ...b.map((v) => [v, 'b'] as const)]);
  const order = [...owner.keys()].sort((x, y) => x - y).map((v) => owner.get(v));
  return order.filter((o, i) => i > 0 && o !== order[i - 1]).length;
}

describe('increment from two tabs over IndexedDB (real Chromium)', () => {
  it('two tabs incrementing one key 500 times each, at once, count exactly 1000, each count answered once', async () => {
    const dbName = `increment-tabs-${crypto.randomUUID()}`;
    const [a, b] = [tab(), tab()];
    await Promise.all([a({ op: 'open', dbName }), b({ op: 'open', dbName })]);
    const [va, vb] = (await Promise.all([a({ op: 'go', key: 'n', times: 500 }), b({ op: 'go', key: 'n', times: 500 })])) as [number[], number[]];
    const page = createStorage({ driver: indexedDbDriver({ dbName }), prefix: 'app', broadcast: false });
    expect(await page.get('n')).toBe(1000);
    await page.close();
    // Every increment saw a distinct count: 1…1000, each resolved in exactly one tab.
    expect([...va, ...vb].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    // And they really raced: the counts went back and forth between the tabs, not one block each.
    expect(switches(va, vb)).toBeGreaterThan(10);
  }, 120_000);
});
