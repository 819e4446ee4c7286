import fc from 'fast-check';
import { createStorage, increment, reencode } from '@stowage/core';
import { drive, turns } from './clock.js';
import { count } from './world.js';
import type { Context, World } from './world.js';

/*
 * What happens in a run: a schedule of actions generated (and shrunk) by fast-check. Contexts and
 * devices are named by index and taken modulo the world's counts, so any schedule fits any world.
 * Pulls and flushes may be left running while the schedule goes on: that is where writes and pulls
 * of several contexts interleave.
 */

/** One step of a schedule. */
export type Action =
  | { t: 'set'; ctx: number; key: number; enc?: boolean }
  | { t: 'add'; ctx: number; wait: boolean }
  | { t: 'rotate'; ctx: number }
  | { t: 'remove'; ctx: number; key: number }
  | { t: 'pull' | 'flush'; ctx: number; wait: boolean }
  | { t: 'increment'; ctx: number }
  | { t: 'burst'; ctx: number; n: number }
  | { t: 'online'; device: number; on: boolean }
  | { t: 'partition'; device: number; on: boolean }
  | { t: 'advance'; ms: number }
  | { t: 'reload' | 'crash'; ctx: number; after: number }
  | { t: 'skew'; device: number; ms: number };

/** Keys the schedules write: few, so that contexts meet on them. */
export const KEYS = ['k0', 'k1', 'k2'];

/** Documents a burst's operations go to: several, so the backlog is not one document's queue (ordered, so it waits behind its first). */
export const BURST_DOCS = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7'];

/** The key device `d` counts its `add`s in: only its contexts write it, atomically (`increment`). */
export const counterKey = (d: number): string => `c${d}`;

/** The arbitrary of one action (`skew`: whether clocks may drift apart and go back). */
export function actionArb(skew: boolean): fc.Arbitrary<Action> {
  const ctx = fc.nat(5);
  const device = fc.nat(2);
  const key = fc.nat(KEYS.length - 1);
  const arbs: fc.Arbitrary<Action>[] = [
    fc.record({ t: fc.constant('set' as const), ctx, key, enc: fc.boolean() }),
    fc.record({ t: fc.constant('set' as const), ctx, key, enc: fc.boolean() }),
    fc.record({ t: fc.constant('add' as const), ctx, wait: fc.boolean() }),
    fc.record({ t: fc.constant('rotate' as const), ctx }),
    fc.record({ t: fc.constant('remove' as const), ctx, key }),
    fc.record({ t: fc.constantFrom('pull' as const, 'flush' as const), ctx, wait: fc.boolean() }),
    fc.record({ t: fc.constant('increment' as const), ctx }),
    fc.record({ t: fc.constant('burst' as const), ctx, n: fc.constantFrom(10, 120) }),
    fc.record({ t: fc.constant('online' as const), device, on: fc.boolean() }),
    fc.record({ t: fc.constant('partition' as const), device, on: fc.boolean() }),
    fc.record({ t: fc.constant('advance' as const), ms: fc.constantFrom(1, 50, 300, 2_000, 30_000) }),
    fc.record({ t: fc.constantFrom('reload' as const, 'crash' as const), ctx, after: fc.nat(6) }),
  ];
  if (skew) arbs.push(fc.record({ t: fc.constant('skew' as const), device, ms: fc.integer({ min: -5_000, max: 5_000 }) }));
  return fc.oneof(...arbs);
}

/** An acknowledged local write: the value it left (`null`: removed) and when, on the world's clock. */
export interface Ack {
  key: string;
  value: string | null;
  at: number;
}

/** What a run did that the invariants judge it by. */
export interface History {
  acks: Ack[];
  /** Offline increments acknowledged (`add` resolved: durable, to be applied exactly once). */
  increments: number;
  /**
   * Per device, its storage `increment`s of its own counter key ({@link counterKey}): resolved, and
   * tried (a crash may cut one off after it committed: it then counts without an acknowledgement).
   */
  counters: Map<number, { acked: number; tried: number }>;
  /** Work left running (settled before healing). */
  running: Promise<unknown>[];
}

const live = (world: World, ctx: number): Context => {
  const all = world.devices.flatMap((d) => d.contexts);
  return all[ctx % all.length] as Context;
};


/**
 * Loads what the actions load lazily (`reencode` imports its module on first use): a module load
 * takes real time, which `drive` would count as simulated minutes, so a schedule would pass or fail
 * by whether it came first in the process. Once per process, before the first run.
 */
export const warmUp: () => Promise<void> = (() => {
  let done: Promise<void> | undefined;
  return () => (done ??= reencode(createStorage({ broadcast: false })).then(() => undefined));
})();

/** Runs one action against the world, recording acknowledgements in `h`. */
export async function run(world: World, a: Action, h: History, serial: { n: number }): Promise<void> {
  if ('ctx' in a) count(live(world, a.ctx).device.traffic.actions, world.clock.now());
  const quiet = (p: Promise<unknown>): Promise<unknown> => p.catch(() => undefined);
  switch (a.t) {
    case 'set':
    case 'remove': {
      await world.clock.advance(1); // one write per millisecond: their order is the clock's
      const c = live(world, a.ctx);
      const key = KEYS[a.key] as string;
      const value = a.t === 'set' ? `v${++serial.n}@d${c.device.index}` : null;
      const at = world.clock.now();
      const write = value === null ? c.storage.remove(key) : c.storage.set(key, value, a.t === 'set' && a.enc ? { encrypt: true } : undefined);
      if (await write.then(() => true, () => false)) h.acks.push({ key, value, at });
      return;
    }
    case 'add': {
      // Read-modify-write in the storage's write lane, synced like any write: the contexts of a
      // device share its store, so none of their increments may be lost, and nothing else writes it.
      await world.clock.advance(1);
      const c = live(world, a.ctx);
      const n = h.counters.get(c.device.index) ?? { acked: 0, tried: 0 };
      h.counters.set(c.device.index, n);
      n.tried++;
      // Left running, it races the next actions' increments in the device's other context.
      const p = increment(c.storage, counterKey(c.device.index)).then(() => void n.acked++, () => undefined);
      if (a.wait) await p;
      else h.running.push(p);
      return;
    }
    case 'rotate': {
      // A key rotation: new ciphertext from now on, and this context re-encrypts its device's
      // encrypted records, which pushes the new ciphertext of each (flagged as a re-encoding).
      world.keyring.use(world.clock.now() % 2 === 0 ? 9 : 7);
      await drive(world.clock, quiet(reencode(live(world, a.ctx).storage)));
      return;
    }
    case 'pull':
    case 'flush': {
      const c = live(world, a.ctx);
      const p = quiet(a.t === 'pull' ? c.sync.pull() : c.sync.flush());
      if (a.wait) await drive(world.clock, p);
      else h.running.push(p);
      return;
    }
    case 'increment': {
      const c = live(world, a.ctx);
      const ok = await c.ops.add({ type: 'increment', collection: 'stats', id: 'visits', data: { n: 1 } }).then(() => true, () => false);
      if (ok) h.increments++;
      return;
    }
    case 'burst': {
      // A backlog at once (offline, it waits for the reconnect): delivering it must cost requests
      // per backoff step, not per pending operation, while the device is cut off.
      const c = live(world, a.ctx);
      const adds = Array.from({ length: a.n }, (_, i) => c.ops.add({ type: 'increment', collection: 'stats', id: BURST_DOCS[i % BURST_DOCS.length] as string, data: { n: 1 } }).then(() => 1, () => 0));
      h.increments += (await Promise.all(adds)).reduce((x: number, y: number) => x + y, 0);
      return;
    }
    case 'online':
      for (const o of world.devices[a.device % world.devices.length]!.online) o.set(a.on);
      return;
    case 'partition':
      world.devices[a.device % world.devices.length]!.partitioned = a.on;
      return;
    case 'advance':
      await world.clock.advance(a.ms);
      return;
    case 'reload':
    case 'crash': {
      const c = live(world, a.ctx);
      // The context is busy when it goes: a pull and a flush in flight, cut after `after` ticks.
      h.running.push(quiet(c.sync.pull()), quiet(c.sync.flush()));
      await turns(a.after); // the crash lands after that many turns of the event loop
      await drive(world.clock, world.restart(c, a.t === 'crash')); // a reload waits for the work in flight
      return;
    }
    case 'skew':
      world.devices[a.device % world.devices.length]!.skew += a.ms;
      return;
  }
}
