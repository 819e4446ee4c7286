import { memoryDriver, memoryLocks } from '@stowage/core';
import { manualClock, memoryBroadcast } from '@stowage/core/testing';
import type { BroadcastFactory, Driver, LockPort } from '@stowage/core';
import type { ManualClock } from '@stowage/core/testing';
import { createQueue } from '../index.js';
import type { Queue, QueueEntry, QueueEvent, QueueOptions, QueueOutcome } from '../index.js';

/** Lets pending promise chains (memory driver, in-page locks, fake bus) run to completion. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** A clock whose time and timers move only when the test says so: core's manual clock. */
export type FakeClock = ManualClock;
export const fakeClock = manualClock;

/** An in-memory BroadcastChannel stand-in: core's memory broadcast. */
export const fakeBus = memoryBroadcast;

/** A promise whose settlement the test controls. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A handler that records every call and answers with `decide` (default: all done). */
export function recordingHandler<T>(decide: (entry: QueueEntry<T>, call: number) => QueueOutcome | Promise<QueueOutcome> = () => ({ status: 'done' })) {
  const calls: QueueEntry<T>[][] = [];
  const handler = async (entries: readonly QueueEntry<T>[]): Promise<QueueOutcome[]> => {
    calls.push([...entries]);
    const call = calls.length;
    return Promise.all(entries.map((e) => decide(e, call)));
  };
  /** Payloads per call. */
  const payloads = (): T[][] => calls.map((c) => c.map((e) => e.payload));
  return { handler, calls, payloads };
}

/** A "tab": everything a queue instance needs, sharing driver, locks, bus and clock with its siblings. */
export interface World {
  driver: Driver;
  locks: LockPort;
  bus: BroadcastFactory;
  clock: FakeClock;
  /** Creates a queue in this world (closed automatically by `closeAll`). */
  queue<T>(options: Partial<QueueOptions<T>> & Pick<QueueOptions<T>, 'handler'>): Queue<T>;
  closeAll(): Promise<void>;
}

export function world(driver: Driver = memoryDriver()): World {
  const locks = memoryLocks();
  const bus = fakeBus();
  const clock = fakeClock();
  const queues: Queue<unknown>[] = [];
  return {
    driver,
    locks,
    bus,
    clock,
    queue<T>(options: Partial<QueueOptions<T>> & Pick<QueueOptions<T>, 'handler'>): Queue<T> {
      const q = createQueue<T>({ driver, name: 'ops', clock, locks, broadcast: bus, random: () => 0.5, autoFlush: false, ...options });
      queues.push(q as Queue<unknown>);
      return q;
    },
    closeAll: async () => {
      await Promise.all(queues.splice(0).map((q) => q.close()));
    },
  };
}

/** Collects a queue's events. */
export function collect<T>(queue: Queue<T>): QueueEvent<T>[] {
  const events: QueueEvent<T>[] = [];
  queue.subscribe((e) => events.push(e));
  return events;
}

/** A driver that forwards to `driver` except where `overrides` says otherwise. */
export function wrapDriver(driver: Driver, overrides: Partial<Pick<Driver, 'open' | 'batch' | 'entries' | 'keys'>>): Driver {
  return {
    name: driver.name,
    scope: driver.scope,
    capabilities: driver.capabilities,
    open: overrides.open ?? (() => driver.open()),
    get: (k) => driver.get(k),
    getMany: (k) => driver.getMany(k),
    batch: overrides.batch ?? ((ops) => driver.batch(ops)),
    entries: overrides.entries ?? ((p, o) => driver.entries(p, o)),
    keys: overrides.keys ?? ((p) => driver.keys(p)),
    clear: (p) => driver.clear(p),
    close: () => driver.close(),
  };
}
