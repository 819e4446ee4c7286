// The workload of bench/overhead.mjs: set/get throughput of a Stowage storage with and without
// instrument(), bundled by Vite so Node runs the TypeScript sources as they are.
import { createStorage, memoryDriver } from '@stowage/core';
import type { Driver, Storage } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers';
import { createAnalytics, instrument } from '../src/index.js';
import type { Analytics } from '../src/index.js';

export type Mode = 'plain' | 'instrumented' | 'persisted';
/** `indexeddb` only in a browser. */
export type DriverKind = 'memory' | 'indexeddb';

export interface Sample {
  mode: Mode;
  op: 'set' | 'get' | 'set×100 concurrent';
  /** Operations per second of wall-clock time. */
  opsPerSec: number;
  /** Operations per second of this process's CPU time (user + system): steadier on a busy machine. */
  opsPerCpuSec: number;
}

interface Setup {
  storage: Storage;
  analytics: Analytics | undefined;
  close(): Promise<void>;
}

let seq = 0;

function setup(mode: Mode, kind: DriverKind): Setup {
  const dbName = `analytics-bench-${Date.now()}-${++seq}`;
  const driver: Driver = kind === 'memory' ? memoryDriver() : indexedDbDriver({ dbName });
  const drop = async (): Promise<void> => {
    if (kind === 'memory') return;
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(dbName);
      req.onsuccess = req.onerror = req.onblocked = resolve;
    });
  };
  const inner = createStorage({ driver, prefix: 'app', broadcast: false });
  if (mode === 'plain') return { storage: inner, analytics: undefined, close: async () => (await inner.close(), await drop()) };
  const stats = mode === 'persisted' ? createStorage({ driver, prefix: 'analytics', broadcast: false }) : undefined;
  const analytics = createAnalytics({ ...(stats ? { storage: stats } : {}), pagehideTarget: false });
  const storage = instrument(inner, analytics);
  return {
    storage,
    analytics,
    async close() {
      await analytics.close();
      await inner.close();
      await stats?.close();
      await drop();
    },
  };
}

const now = (): number => performance.now();
const proc = (globalThis as { process?: { cpuUsage(): { user: number; system: number } } }).process;
/** CPU ms of this process in Node; in a browser there is none, so wall time stands in. */
const cpu = (): number => {
  if (!proc) return now();
  const c = proc.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Times `fn` in wall-clock and CPU milliseconds. */
async function timed(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const w0 = now();
  const c0 = cpu();
  await fn();
  return { wall: now() - w0, cpu: cpu() - c0 };
}

export type Op = Sample['op'];
export const OPS: readonly Op[] = ['set', 'get', 'set×100 concurrent'];
const VALUE = { id: 1, name: 'a reasonably sized value', tags: ['x', 'y', 'z'], n: 3.14 };

/** Runs `n` operations of one kind. */
async function run(s: Setup, op: Op, n: number, keys: number): Promise<void> {
  if (op === 'set') {
    for (let i = 0; i < n; i++) await s.storage.set(`key${i % keys}`, VALUE);
  } else if (op === 'get') {
    for (let i = 0; i < n; i++) await s.storage.get(`key${i % keys}`);
  } else {
    for (let i = 0; i < n; i += 100) {
      const batch: Promise<void>[] = [];
      for (let j = 0; j < 100; j++) batch.push(s.storage.set(`key${(i + j) % keys}`, VALUE));
      await Promise.all(batch);
    }
  }
}

/** One timed pass of each operation for one mode, on a fresh storage. */
export async function runOnce(mode: Mode, n: number, keys: number, kind: DriverKind = 'memory'): Promise<Sample[]> {
  const s = setup(mode, kind);
  const out: Sample[] = [];
  for (const op of OPS) {
    const t = await timed(() => run(s, op, n, keys));
    out.push({ mode, op, opsPerSec: n / (t.wall / 1000), opsPerCpuSec: n / (t.cpu / 1000) });
  }
  if (s.analytics && s.analytics.getStats().operations.get?.count !== n) throw new Error(`${mode}: analytics missed operations`);
  await s.close();
  return out;
}

const open = new Map<number, Setup>();
let handles = 0;

/** For a runner that measures from outside (Chromium's main-thread CPU time): a fresh storage, by id. */
export function prepare(mode: Mode, kind: DriverKind): number {
  const id = ++handles;
  open.set(id, setup(mode, kind));
  return id;
}

/** Runs one operation kind on a prepared storage; resolves to the wall ms it took. */
export async function runPrepared(id: number, op: Op, n: number, keys: number): Promise<number> {
  const t0 = now();
  await run(open.get(id)!, op, n, keys);
  return now() - t0;
}

export async function finish(id: number): Promise<void> {
  await open.get(id)?.close();
  open.delete(id);
}
