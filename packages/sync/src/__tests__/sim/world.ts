import { createStorage, memoryDriver, memoryLocks, seededRandom, StowageError } from '@stowage/core';
import { manualOnline, memoryBroadcast } from '@stowage/core/testing';
import type { BroadcastFactory, Clock, Codec, Driver, LockPort, Storage } from '@stowage/core';
import type { ManualClock, ManualOnline } from '@stowage/core/testing';
import { compareHlc, createNetworkMonitor, createOfflineQueue, createSync } from '../../index.js';
import type { ConflictStrategy, OfflineQueue, RemoteStore, Sync } from '../../index.js';
import { rotatingXor } from '@stowage/test-utils';
import { memoryRemote } from '../../memory-remote.js';
import type { MemoryRemote } from '../../memory-remote.js';
import { simClock } from './clock.js';

/*
 * The simulated world: one remote, N devices (each one store, one set of locks and one broadcast
 * bus, as an origin of a browser has), M contexts per device (tabs, a service worker), all on one
 * manual clock that each device reads with its own skew. Every context reaches the remote through
 * a link of its own that injects the faults of a run; a crash kills a context's link and store
 * handle mid-flight and a fresh context starts on the same store.
 */

/** How a run is set up (generated per run). */
export interface WorldConfig {
  devices: number;
  contexts: number;
  conflict: 'last-write-wins' | 'remote-wins' | 'local-wins' | 'merge';
  /** Probability that a request fails with `unavailable` before reaching the remote. */
  fail: number;
  /** Probability that a request is applied and its answer lost. */
  loseAck: number;
  /** Probability that a request hangs past the engines' timeout, and lands afterwards. */
  hang: number;
  /** Seed of the world's own randomness (faults, jitter, node ids). */
  seed: number;
}

/** How long a hung request takes: past the engines' 5 s request timeout. */
const HANG_MS = 6_000;

/**
 * The merge the 'merge' runs use: deterministic and commutative, so replicas that merge the same
 * two sides in either order agree (a deleted side counts as `-`).
 */
const merge: ConflictStrategy = (_key, local, remote) => [local.value ?? '-', remote.value ?? '-'].map(String).sort().join('+');

/** Marks a context dead: its store handle and its link refuse everything from then on. */
interface Fuse {
  dead: boolean;
}

/** One context (a tab or a service worker) of a device. */
export interface Context {
  readonly device: Device;
  readonly storage: Storage;
  readonly sync: Sync;
  readonly ops: OfflineQueue;
  readonly fuse: Fuse;
}

/** One device: its store and what its contexts share. */
export interface Device {
  readonly index: number;
  readonly driver: Driver;
  readonly locks: LockPort;
  readonly bus: BroadcastFactory;
  readonly clock: Clock;
  readonly online: ManualOnline[];
  skew: number;
  partitioned: boolean;
  contexts: Context[];
  /** Per simulated millisecond (world clock): requests its contexts sent into a partition, and schedule actions on it. */
  readonly traffic: { readonly refused: Map<number, number>; readonly actions: Map<number, number> };
}

/** Adds one to the count of the simulated millisecond `now` falls in. */
export function count(per: Map<number, number>, now: number): void {
  const ms = Math.floor(now);
  per.set(ms, (per.get(ms) ?? 0) + 1);
}

/** What the monitor saw the remote do: revisions that went backwards. */
export interface RemoteMonitor {
  readonly backwards: string[];
}

/** The whole world of one run. */
export interface World {
  readonly config: WorldConfig;
  readonly clock: ManualClock;
  readonly remote: MemoryRemote;
  readonly monitor: RemoteMonitor;
  readonly devices: Device[];
  /** Faults on (the run) or off (healing). */
  faulty: boolean;
  /** The encryption codec of every storage: keys 7 and 9, `use(k)` rotates (see the `rotate` action). */
  readonly keyring: Codec & { use(key: number): void };
  /** Replaces a context by a fresh one on the same store (reload when `crash` is false). */
  restart(ctx: Context, crash: boolean): Promise<Context>;
  close(): Promise<void>;
}

/** Wraps a remote so that every applied push is checked: a key's revision only moves forward. */
function monitored(remote: MemoryRemote, monitor: { backwards: string[] }): MemoryRemote {
  return {
    ...remote,
    async push(changes, signal) {
      if (process.env.SIM_LOG) console.log('push', JSON.stringify(changes.map((c) => ({ k: c.key, h: c.hlc, b: c.base, d: c.deleted, v: c.value, o: c.origin }))), 'remote', JSON.stringify(changes.map((c) => remote.peek(c.key)?.hlc)));
      const before = changes.map((c) => remote.peek(c.key)?.hlc);
      try {
        return await remote.push(changes, signal);
      } finally {
        changes.forEach((c, i) => {
          const was = before[i];
          const now = remote.peek(c.key)?.hlc;
          if (was !== undefined && now !== undefined && now !== was && compareHlc(now, was) < 0) monitor.backwards.push(`${c.key}: ${was} → ${now}`);
        });
      }
    },
  };
}

/** A context's way to the remote: refused while its device is partitioned or it is dead, and faulty by the run's rates. */
function link(world: World, device: Device, fuse: Fuse, random: () => number): RemoteStore {
  const wrap = <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    if (device.partitioned && !fuse.dead) count(device.traffic.refused, world.clock.now());
    if (fuse.dead || device.partitioned) throw new StowageError('unavailable', `${name}: no route`);
    if (world.faulty && random() < world.config.fail) throw new StowageError('unavailable', `${name}: injected 503`);
    const lose = world.faulty && random() < world.config.loseAck;
    // Reaches the remote only after the caller gave up waiting (its timeout is 5 s).
    if (world.faulty && random() < world.config.hang) await new Promise((r) => world.clock.setTimeout(() => r(undefined), HANG_MS));
    const result = await fn(...a);
    if (lose || fuse.dead) throw new StowageError('unavailable', `${name}: answer lost (applied)`);
    return result;
  };
  const r = world.remote;
  return { push: wrap('push', r.push), pull: wrap('pull', r.pull), apply: wrap('apply', r.apply), purgeTombstones: r.purgeTombstones, purgeOperations: r.purgeOperations };
}

/**
 * A context's connection to its device's store: refuses every call once the context is dead or
 * closed it (closing a connection leaves the store, shared by the device's contexts, open).
 */
function handle(driver: Driver, fuse: Fuse): Driver {
  const d = Object.create(driver) as Driver;
  for (const m of ['open', 'get', 'getMany', 'batch', 'entries', 'keys', 'clear'] as const) {
    const fn = driver[m] as (...a: unknown[]) => Promise<unknown>;
    (d as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => (fuse.dead ? Promise.reject(new StowageError('closed', 'context gone')) : fn.apply(driver, a));
  }
  if (process.env.SIM_LOG) {
    const inner = d.batch;
    d.batch = (ops) => {
      console.log('batch', JSON.stringify(ops.map((o) => [o.type, o.key.replaceAll('\u0000', '~'), o.type === 'put' ? (o.value as { payload?: unknown })?.payload ?? o.value : undefined])));
      return inner(ops);
    };
  }
  d.close = async () => {
    fuse.dead = true;
  };
  return d;
}

/** Builds the world of `config`. */
export async function createWorld(config: WorldConfig): Promise<World> {
  const clock = simClock();
  const random = seededRandom(config.seed);
  const monitor = { backwards: [] as string[] };
  const remote = monitored(memoryRemote({ clock }), monitor);
  let opIds = 0;
  const world: World = {
    config, clock, remote, monitor, devices: [], faulty: true, keyring: rotatingXor(7, 9),
    async restart(ctx, crash) {
      const device = ctx.device;
      if (crash) ctx.fuse.dead = true;
      else await closeContext(ctx);
      const next = await startContext(device);
      device.contexts[device.contexts.indexOf(ctx)] = next;
      return next;
    },
    async close() {
      for (const d of world.devices) for (const c of d.contexts) await closeContext(c);
    },
  };
  const closeContext = async (c: Context): Promise<void> => {
    if (c.fuse.dead) return;
    await c.sync.close();
    await c.ops.close();
    await c.storage.close();
  };
  /** A context as an app starts one: its sync joins the storage's commits before any write. */
  const startContext = async (device: Device): Promise<Context> => {
    const fuse: Fuse = { dead: false };
    const driver = handle(device.driver, fuse);
    // Every device holds both keys of the app's keyring (one secret, as an app shares it); a
    // rotation switches the key new ciphertext is written with, everywhere at once.
    const storage = createStorage({ driver, prefix: 'app', clock: device.clock, broadcast: false, encryption: world.keyring });
    const online = manualOnline(!device.partitioned);
    device.online.push(online);
    const remoteLink = link(world, device, fuse, random);
    const shared = { clock: device.clock, locks: device.locks, broadcast: device.bus, random, backoff: { baseMs: 200, maxMs: 5_000 }, requestTimeout: 5_000 };
    const sync = createSync({ storage, remote: remoteLink, conflict: config.conflict === 'merge' ? merge : config.conflict, network: createNetworkMonitor({ online }), pullInterval: 0, ...shared });
    const ops = createOfflineQueue({ remote: remoteLink, storage, network: createNetworkMonitor({ online }), ids: () => `op${++opIds}`, ...shared });
    await Promise.all([sync.ready(), ops.ready()]);
    return { device, storage, sync, ops, fuse };
  };
  for (let i = 0; i < config.devices; i++) {
    const device: Device = {
      index: i, driver: memoryDriver(), locks: memoryLocks(), bus: memoryBroadcast(), online: [], skew: 0, partitioned: false, contexts: [],
      traffic: { refused: new Map(), actions: new Map() },
      clock: { now: () => clock.now() + device.skew, setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h) },
    };
    world.devices.push(device);
    for (let c = 0; c < config.contexts; c++) device.contexts.push(await startContext(device));
  }
  return world;
}
