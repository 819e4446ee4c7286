import { BURST_DOCS, counterKey, KEYS } from './actions.js';
import { drive } from './clock.js';
import type { History } from './actions.js';
import type { World } from './world.js';

/*
 * After a schedule: heal (faults off, partitions over, everyone online, every clock back in step
 * with its own skew kept), let the contexts push and pull until quiet, then judge.
 */

const ROUNDS = 4;
/**
 * Attempts of one queue at one instant: a flush, and the one more a timer or write asked for while
 * it ran (the scheduler's `again`) — each a batch, then the backlog waits for its backoff.
 */
const ATTEMPTS_PER_WAKE = 2;
/** Queues of a context that send: the sync outbox and the offline operation queue. */
const QUEUES = 2;
/** Requests one action may start at once: a write's push, a pull, a reload's pull, flush and fresh start. */
const REQUESTS_PER_ACTION = 3;

/** Ends the faults and runs every context's flush and pull until nothing is left to do. */
export async function heal(world: World, h: History): Promise<void> {
  world.faulty = false;
  for (const d of world.devices) {
    d.partitioned = false;
    for (const o of d.online) o.set(true);
  }
  await drive(world.clock, Promise.all(h.running));
  for (let round = 0; round < ROUNDS; round++) {
    await world.clock.advance(120_000); // past every backoff
    for (const d of world.devices) {
      for (const c of d.contexts) {
        await drive(world.clock, c.sync.flush());
        await drive(world.clock, c.ops.flush());
        await drive(world.clock, c.sync.pull());
      }
    }
  }
}

/** A key as a device or the cloud holds it (`null`: absent or deleted). */
type Held = unknown;

/** What the cloud holds under `key`: its value, or its ciphertext opened with the world's keyring. */
async function cloudHeld(world: World, key: string): Promise<Held> {
  const doc = world.remote.peek(key);
  if (doc === undefined || doc.deleted) return null;
  if (doc.data === undefined) return doc.value;
  if (doc.codecs?.join() !== world.keyring.id) return `<ciphertext under ${String(doc.codecs?.join())}>`;
  return JSON.parse(new TextDecoder().decode(await world.keyring.decode(doc.data))) as unknown;
}

/** Every broken invariant, described (empty: the run is good). */
export async function violations(world: World, h: History): Promise<string[]> {
  const out: string[] = [];
  const cloud = new Map<string, Held>();
  for (const k of [...KEYS, ...[...h.counters.keys()].map(counterKey)]) cloud.set(k, await cloudHeld(world, k));
  // Convergence: every device holds what the cloud holds.
  for (const d of world.devices) {
    const c = d.contexts[0]!;
    for (const k of KEYS) {
      const local: Held = (await c.storage.has(k)) ? await c.storage.get(k) : null;
      if (local !== cloud.get(k)) out.push(`device ${d.index} holds ${k}=${String(local)}, the cloud ${String(cloud.get(k))}`);
    }
    for (const [owner, n] of h.counters) {
      const k = counterKey(owner);
      const local = (await c.storage.get(k)) ?? null;
      const held = cloud.get(k);
      if (local !== held) out.push(`device ${d.index} holds ${k}=${String(local)}, the cloud ${String(held)}`);
      // Every acknowledged increment is in the count, none twice (a crash may add one unacknowledged).
      const v = typeof held === 'number' ? held : 0;
      if (d.index === owner && (v < n.acked || v > n.tried)) out.push(`${k} is ${String(held)}: ${n.acked} increments acknowledged, ${n.tried} tried`);
    }
    const status = await c.sync.status();
    if (status.pending !== 0) out.push(`device ${d.index}: ${status.pending} outbox entries left at quiescence`);
    if ((await c.sync.deadLetters()).length > 0) out.push(`device ${d.index}: dead letters at quiescence`);
    if ((await c.ops.size()) !== 0) out.push(`device ${d.index}: offline operations left at quiescence`);
  }
  // Requests into a partition: a bounded number of attempts per queue of each context at a time
  // (then it waits for its backoff), plus what the schedule's own actions start — never one per pending batch, however
  // large the backlog. Counted per simulated millisecond, so a flush that goes on after a transport
  // failure shows however quick its backoff.
  for (const d of world.devices) {
    for (const [ms, n] of d.traffic.refused) {
      const actions = (d.traffic.actions.get(ms) ?? 0) + (d.traffic.actions.get(ms - 1) ?? 0); // a write advances the clock 1 ms first
      const allowed = ATTEMPTS_PER_WAKE * QUEUES * d.contexts.length + REQUESTS_PER_ACTION * actions;
      if (n > allowed) out.push(`device ${d.index} sent ${n} requests into its partition at ${ms} (at most ${allowed} for its contexts and ${actions} actions)`);
    }
  }
  // The cloud's revisions only moved forward.
  for (const b of world.monitor.backwards) out.push(`revision went backwards: ${b}`);
  // Offline operations applied exactly once.
  const visits = ['visits', ...BURST_DOCS].reduce((sum, id) => sum + Number(world.remote.readDoc('stats', id)?.n ?? 0), 0);
  if (visits !== h.increments) out.push(`visits counter is ${String(visits)}, ${h.increments} increments were acknowledged`);
  // No acknowledged write lost: with one clock for all and last-write-wins, the last write wins.
  if (world.config.conflict === 'last-write-wins' && world.devices.every((d) => d.skew === 0)) {
    for (const k of KEYS) {
      const last = h.acks.filter((a) => a.key === k).at(-1);
      if (last && last.value !== cloud.get(k)) out.push(`${k}: the last acknowledged write left ${String(last.value)} (at ${last.at}), the cloud holds ${String(cloud.get(k))}`);
    }
  }
  return out;
}
