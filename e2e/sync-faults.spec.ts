import { writeFile } from 'node:fs/promises';
import { cloudDocs, MISSING, TOMBSTONE } from './cloud-docs.js';
import { describe, KEYS, schedule, type Step } from './fault-schedule.js';
import type { FaultProxy, FaultRates } from './fault-proxy.js';
import { ABSENT, expect, HarnessTab, test } from './harness-tab.js';
import { prng } from './prng.js';
import { RevisionMonitor } from './revision-monitor.js';

// Issue 24, item 2: the simulator's scenarios (packages/sync/src/__tests__/sim/), fewer of them, for
// real — Chromium tabs, IndexedDB, the Firestore Lite SDK over HTTP to the emulator, each device
// through a fault proxy of its own. A seed draws the schedule and the fault rates; after healing,
// the simulator's invariants must hold. Replay one run with FAULT_SEEDS=<seed> (comma-separated);
// FAULT_LOG=1 prints each run's log (steps, outcomes, faults), which a failure attaches anyway.
// A seed replays the steps and each proxy's draws, not the browser's timing (which request meets
// which draw, what a background retry overlaps): a run that failed may pass on replay, so the log
// of the failed run is the evidence, the replay a second chance to see it.

const SEEDS = (process.env.FAULT_SEEDS ?? '1,2,3,4,5').split(',').map(Number);
const STEPS = Number(process.env.FAULT_STEPS ?? 80);
/** Tabs by index and the device each belongs to: device 0 has two tabs (shared outbox and queue). */
const DEVICE_OF_TAB = [0, 0, 1, 2] as const;
const DEVICES = Math.max(...DEVICE_OF_TAB) + 1;
/** Outbox and queue retry delay (ms, no jitter): short, so retries happen within a run. */
const BACKOFF = 250;
/** Flush + pull rounds of every tab allowed after healing before the run counts as never quiet. */
const QUIET_ROUNDS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const show = (v: unknown): string => (v === ABSENT ? ABSENT : JSON.stringify(v));

/** An acknowledged write (its `set`/`remove` resolved): the value it left, ABSENT for a remove. */
interface Ack {
  step: number;
  key: string;
  value: unknown;
}

for (const seed of SEEDS) {
  test(`seed ${seed}: 3 devices (one with 2 tabs) through faulty proxies converge on the last acknowledged writes, every increment applied once`, async ({ newDevice, newProxy, emulator }) => {
    test.setTimeout(120_000);
    const collection = `users/faults-${seed}/kv`;
    const statsParent = collection.split('/').slice(0, -1).join('/');
    const steps = schedule(seed, { deviceOfTab: DEVICE_OF_TAB, steps: STEPS });
    const log: string[] = [];
    const replay = `replay: FAULT_SEEDS=${seed} npx playwright test e2e/sync-faults.spec.ts`;

    // Each device's fault rates, drawn from the seed: 10–30 % of its requests dropped after the
    // emulator applied them, 10–30 % answered 503, a third delayed by up to 150 ms.
    const rates = prng(seed ^ 0x5eed);
    const proxies: FaultProxy[] = [];
    const faulty: FaultRates[] = [];
    for (let d = 0; d < DEVICES; d++) {
      proxies.push(await newProxy({ seed: seed * 31 + d }));
      faulty.push({ drop: 0.1 + 0.2 * rates(), unavailable: 0.1 + 0.2 * rates(), delay: 0.33, maxDelayMs: 150 });
      log.push(`device ${d} via ${proxies[d]!.address}: drop ${faulty[d]!.drop!.toFixed(2)}, 503 ${faulty[d]!.unavailable!.toFixed(2)}`);
    }
    const devices = await Promise.all(Array.from({ length: DEVICES }, () => newDevice()));
    const tabs: HarnessTab[] = [];
    for (const d of DEVICE_OF_TAB) tabs.push(await HarnessTab.open(devices[d]!, { collection, backoff: BACKOFF, emulator: proxies[d]!.address }));
    const tabsOf = (device: number): HarnessTab[] => tabs.filter((_, i) => DEVICE_OF_TAB[i] === device);

    const monitor = new RevisionMonitor(emulator, collection);
    const acks: Ack[] = [];
    let increments = 0;
    const offlineUntil = new Array<number>(DEVICES).fill(-1);
    const partitionUntil = new Array<number>(DEVICES).fill(-1);

    /** Ends the spells due at step `i`. */
    const endSpells = async (i: number): Promise<void> => {
      for (let d = 0; d < DEVICES; d++) {
        if (offlineUntil[d] === i) {
          for (const tab of tabsOf(d)) await tab.setOnline(true);
          log.push(`   device ${d} back online`);
        }
        if (partitionUntil[d] === i) {
          proxies[d]!.heal();
          log.push(`   device ${d} partition over`);
        }
      }
    };

    const run = async (i: number, step: Step): Promise<void> => {
      const failed = (e: unknown): void => void log.push(`   → failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      switch (step.t) {
        case 'set':
        case 'remove': {
          // Writes go one at a time, each in a later millisecond than the last one resolved: with
          // one machine clock, their order is the order of their HLCs.
          await sleep(2);
          const tab = tabs[step.tab]!;
          await (step.t === 'set' ? tab.set(step.key, step.value) : tab.remove(step.key));
          acks.push({ step: i, key: step.key, value: step.t === 'set' ? step.value : ABSENT });
          return;
        }
        case 'increment':
          await tabs[step.tab]!.increment();
          increments++;
          return;
        case 'flush':
          await tabs[step.tab]!.flush().catch(failed);
          return;
        case 'pull':
          await tabs[step.tab]!.pull().then((n) => void log.push(`   → ${n} changed`), failed);
          return;
        case 'reload': {
          const tab = tabs[step.tab]!;
          await tab.reload();
          // The online switch lives in the page: a reloaded tab of a device in an offline spell is told again.
          if (offlineUntil[DEVICE_OF_TAB[step.tab]!]! > i) await tab.setOnline(false);
          return;
        }
        case 'offline':
          if (offlineUntil[step.device]! > i) return;
          offlineUntil[step.device] = i + step.steps;
          for (const tab of tabsOf(step.device)) await tab.setOnline(false);
          return;
        case 'partition':
          if (partitionUntil[step.device]! > i) return;
          partitionUntil[step.device] = i + step.steps;
          proxies[step.device]!.partition();
          return;
        case 'pause':
          await sleep(step.ms);
          return;
      }
    };

    const violations: string[] = [];
    try {
      proxies.forEach((p, d) => p.setRates(faulty[d]!));
      monitor.start();
      for (const [i, step] of steps.entries()) {
        await endSpells(i);
        log.push(`${String(i).padStart(2)}: ${describe(step)}`);
        monitor.phase = `step ${i}`;
        await run(i, step);
        await monitor.sample();
      }

      // Heal: faults off, partitions over, every tab online (off and on again: a reconnection resets
      // backoff, as the browser's online event would), then flush and pull everywhere until quiet.
      log.push('heal');
      monitor.phase = 'healing';
      for (const p of proxies) p.calm();
      for (const tab of tabs) {
        await tab.setOnline(false);
        await tab.setOnline(true);
      }
      let quiet = false;
      for (let round = 1; round <= QUIET_ROUNDS && !quiet; round++) {
        let changed = 0;
        let left = 0;
        for (const tab of tabs) {
          await tab.flush();
          await tab.flushOperations();
          changed += await tab.pull();
        }
        for (const tab of tabs) left += (await tab.pending()) + (await tab.operations());
        log.push(`   round ${round}: ${changed} changed by pulls, ${left} entries left`);
        quiet = changed === 0 && left === 0;
        if (!quiet) await sleep(BACKOFF);
      }
      await monitor.stop();
      if (!quiet) violations.push(`never quiet after ${QUIET_ROUNDS} rounds of flush + pull in every tab`);

      // Convergence: every tab holds what the cloud holds.
      const cloud = await cloudDocs(emulator, collection);
      const held = (key: string): unknown => {
        const v = cloud.get(key)?.value ?? MISSING;
        return v === TOMBSTONE || v === MISSING ? ABSENT : v;
      };
      for (const [t, tab] of tabs.entries()) {
        for (const key of KEYS) {
          const local = await tab.get(key);
          if (JSON.stringify(local) !== JSON.stringify(held(key))) violations.push(`tab ${t} holds ${key}=${show(local)}, the cloud ${show(held(key))}`);
        }
        // Outbox and offline queue are the device's: every tab must see them empty.
        const pending = await tab.pending();
        const operations = await tab.operations();
        if (pending !== 0) violations.push(`tab ${t}: ${pending} outbox entries left at quiescence`);
        if (operations !== 0) violations.push(`tab ${t}: ${operations} offline operations left at quiescence`);
        for (const e of await tab.events()) if (e.type === 'dead-lettered') violations.push(`tab ${t}: ${e.key} dead-lettered (${e.error})`);
      }
      // The cloud's revisions only moved forward.
      for (const b of monitor.backwards) violations.push(`revision went back: ${b}`);
      // Offline increments applied exactly once.
      const counter = (await emulator.collection('stats', statsParent)).get('visits')?.count?.integerValue;
      if (Number(counter ?? 0) !== increments) violations.push(`visits counter is ${String(counter)}, ${increments} increments were acknowledged`);
      // Last-write-wins with one clock: the cloud holds the last acknowledged write of each key.
      for (const key of KEYS) {
        const last = acks.filter((a) => a.key === key).at(-1);
        if (last && JSON.stringify(last.value) !== JSON.stringify(held(key))) {
          violations.push(`${key}: the last acknowledged write (step ${last.step}) left ${show(last.value)}, the cloud holds ${show(held(key))}`);
        }
      }
      // The faults happened, through every device's own proxy.
      for (const [d, p] of proxies.entries()) {
        const s = p.stats;
        log.push(`device ${d} proxy: ${JSON.stringify(s)}`);
        if (s.forwarded === 0 || s.dropped + s.unavailable === 0) violations.push(`device ${d}'s proxy saw no traffic or injected no faults: ${JSON.stringify(s)}`);
      }
      log.push(`${monitor.samples} revision samples, ${acks.length} acknowledged writes, ${increments} increments`);
    } finally {
      await monitor.stop();
      const body = [...log, '', ...proxies.flatMap((p, d) => p.log.map((l) => `device ${d} ${l}`))].join('\n');
      if (process.env.FAULT_LOG) console.log(`seed ${seed}\n${body}`);
      // A file, not a body: reporters shorten text bodies, and the log is what a replay is compared with.
      const path = test.info().outputPath(`seed-${seed}.log`);
      await writeFile(path, body);
      await test.info().attach(`seed-${seed}.log`, { path, contentType: 'text/plain' });
    }
    expect(violations, `seed ${seed} (${replay}):\n${violations.join('\n')}`).toEqual([]);
  });
}
