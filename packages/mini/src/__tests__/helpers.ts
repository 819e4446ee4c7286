import { expect } from 'vitest';
import { memoryDriver, recordOf, StowageError } from '@stowage/core';
import { manualClock, memoryBroadcast } from '@stowage/core/testing';
import type { Driver, DriverOp, StorageEvent } from '@stowage/core';
import type { ManualClock } from '@stowage/core/testing';
import { createMiniStorage } from '../mini-storage.js';
import type { MiniErrorContext, MiniStorageOptions } from '../mini-types.js';

/** A driver wrapper that counts and records batches, and can be told to refuse them. */
export interface SpyDriver extends Driver {
  batches: DriverOp[][];
  /** While set, every batch rejects with this error (nothing is written). */
  failWith: Error | undefined;
  /** While set, batches wait for this promise before reaching the inner driver. */
  gate: Promise<void> | undefined;
}

export function spyDriver(inner: Driver = memoryDriver({ name: uniqueName() })): SpyDriver {
  const spy: SpyDriver = {
    name: inner.name,
    scope: inner.scope,
    capabilities: inner.capabilities,
    batches: [],
    failWith: undefined,
    gate: undefined,
    open: () => inner.open(),
    get: (k) => inner.get(k),
    getMany: (ks) => inner.getMany(ks),
    async batch(ops) {
      spy.batches.push([...ops]);
      if (spy.gate) await spy.gate;
      if (spy.failWith) throw spy.failWith;
      return inner.batch(ops);
    },
    entries: (p, o) => inner.entries(p, o),
    keys: (p) => inner.keys(p),
    clear: (p) => inner.clear(p),
    close: () => inner.close(),
  };
  return spy;
}

let n = 0;
/** A name no other test uses (memory drivers of one name share a broadcast channel scope). */
export function uniqueName(): string {
  return `mini-test-${Date.now().toString(36)}-${++n}`;
}

/** A clock the test moves by hand: core's manual clock. */
export type FakeClock = ManualClock;
export const fakeClock = manualClock;

export { xorCodec } from '@stowage/test-utils';

/** An in-process BroadcastChannel stand-in: core's memory broadcast. */
export const memoryBus = memoryBroadcast;

/** A mini storage over a fresh spy driver, with errors collected instead of thrown. */
export function setup(options: Partial<MiniStorageOptions> & Record<string, unknown> = {}) {
  const driver = (options.driver as SpyDriver | undefined) ?? spyDriver();
  const errors: [StowageError, MiniErrorContext][] = [];
  const events: StorageEvent[] = [];
  const mini = createMiniStorage({
    broadcast: false,
    pagehideTarget: false,
    onError: (e: StowageError, c: MiniErrorContext) => errors.push([e, c]),
    ...options,
    driver,
  } as MiniStorageOptions);
  mini.subscribe((e) => events.push(e));
  return { mini, driver, errors, events };
}

/** The raw records of a driver under the `mini:` prefix, keyed by user key. */
export async function stored(driver: Driver, prefix = 'mini'): Promise<Record<string, { value?: unknown; data?: Uint8Array; codecs: string[]; expiresAt?: number }>> {
  const out: Record<string, { value?: unknown; data?: Uint8Array; codecs: string[] }> = {};
  for (const [k, v] of await driver.entries(`${prefix}:`)) out[k.slice(prefix.length + 1)] = recordOf(k.slice(prefix.length + 1), v); // as layers see it (v1 or v2 row)
  return out;
}

/** Asserts `fn` throws a StowageError of `code` and returns it. */
export function expectThrowCode(fn: () => unknown, code: StowageError['code']): StowageError & { errMsg?: string } {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(StowageError);
  expect((caught as StowageError).code).toBe(code);
  return caught as StowageError & { errMsg?: string };
}

/** Records the order callbacks run in, and what they got. */
export function recorder() {
  const calls: [string, unknown][] = [];
  return {
    calls,
    names: () => calls.map(([name]) => name),
    cbs: {
      success: (r: unknown) => calls.push(['success', r]),
      fail: (r: unknown) => calls.push(['fail', r]),
      complete: (r: unknown) => calls.push(['complete', r]),
    },
  };
}

/** Lets queued timers and microtasks run (for callbacks invoked after a promise settles). */
export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
