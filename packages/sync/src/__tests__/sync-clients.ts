import { afterEach } from 'vitest';
import { createStorage, memoryDriver, memoryLocks } from '@stowage/core';
import { manualOnline } from '@stowage/core/testing';
import type { Codec, Driver, DriverOp, Storage, StorageOptions } from '@stowage/core';
import type { ManualOnline } from '@stowage/core/testing';
import { fakeClock, memoryBus } from '@stowage/test-utils';
import type { FakeClock } from '@stowage/test-utils';
import { createNetworkMonitor, createSync } from '../index.js';
import type { Sync, SyncEvent, SyncOptions } from '../index.js';
import { memoryRemote, type MemoryRemote } from '../memory-remote.js';

/*
 * Simulated sync clients for the engine's tests: a storage over a batch-counting driver, a sync
 * with a manual online switch, its events recorded; closed after each test.
 */

/** Counts driver batches and what they contain. */
export function countingDriver(inner: Driver = memoryDriver()): Driver & { batches: DriverOp[][] } {
  const d = Object.create(inner) as Driver & { batches: DriverOp[][] };
  d.batches = [];
  d.batch = async (ops) => {
    d.batches.push([...ops]);
    return inner.batch(ops);
  };
  for (const m of ['open', 'get', 'getMany', 'entries', 'keys', 'clear', 'close'] as const) {
    (d as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  }
  return d;
}

export interface Client {
  storage: Storage;
  sync: Sync;
  driver: Driver & { batches: DriverOp[][] };
  online: ManualOnline;
  events: SyncEvent[];
}

const open: Sync[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

export function client(
  remote: MemoryRemote,
  clock: FakeClock,
  extra: Partial<SyncOptions> & { encryption?: Codec; compression?: Codec; schema?: Pick<StorageOptions, 'schemaVersion' | 'migrations'>; driver?: Driver } = {},
): Client {
  const { encryption, compression, schema, driver: inner, ...syncOptions } = extra;
  const driver = countingDriver(inner);
  const storage = createStorage({ driver, prefix: 'app', clock, broadcast: false, ...(encryption ? { encryption } : {}), ...(compression ? { compression } : {}), ...schema });
  const online = manualOnline();
  const sync = createSync({
    storage, remote, clock, locks: memoryLocks(), broadcast: memoryBus(), random: Math.random,
    network: createNetworkMonitor({ online }), pullInterval: 0, ...syncOptions,
  });
  open.push(sync);
  const events: SyncEvent[] = [];
  sync.subscribe((e) => events.push(e));
  return { storage, sync, driver, online, events };
}

/** A page and a service worker: two engines over one driver (one IndexedDB), one remote. */
export async function pageAndWorker(conflict: SyncOptions['conflict']) {
  const clock = fakeClock();
  const remote = memoryRemote({ clock });
  // One store, and one set of locks and channels, as contexts of one origin share them.
  const same = { driver: memoryDriver(), locks: memoryLocks(), broadcast: memoryBus(), conflict };
  const page = client(remote, clock, same);
  const worker = client(remote, clock, same);
  await page.sync.ready();
  await worker.sync.ready();
  return { clock, remote, page, worker };
}
