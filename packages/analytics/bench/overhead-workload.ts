// The workload of bench/overhead.mjs: set/get throughput of a Stowage storage with and without
// instrument(), bundled by Vite so Node runs the TypeScript sources as they are.
import { createStorage, memoryDriver } from '@stowage/core';
import type { Storage } from '@stowage/core';
import { createAnalytics, instrument } from '../src/index.js';
import type { Analytics } from '../src/index.js';

export type Mode = 'plain' | 'instrumented' | 'persisted';

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

function setup(mode: Mode): Setup {
  const driver = memoryDriver();
  const inner = createStorage({ driver, prefix: 'app', broadcast: false });
  if (mode === 'plain') return { storage: inner, analytics: undefined, close: () => inner.close() };
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
    },
  };
}

const now = (): number => performance.now();
const cpu = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Times `fn` in wall-clock and CPU milliseconds. */
async function timed(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const w0 = now();
  const c0 = cpu();
  await fn();
  return { wall: now() - w0, cpu: cpu() - c0 };
}

/** One timed pass of each operation for one mode, on a fresh storage. */
export async function runOnce(mode: Mode, n: number, keys: number): Promise<Sample[]> {
  const s = setup(mode);
  const value = { id: 1, name: 'a reasonably sized value', tags: ['x', 'y', 'z'], n: 3.14 };
  const out: Sample[] = [];
  const add = (op: Sample['op'], t: { wall: number; cpu: number }): void => {
    out.push({ mode, op, opsPerSec: n / (t.wall / 1000), opsPerCpuSec: n / (t.cpu / 1000) });
  };
  add('set', await timed(async () => {
    for (let i = 0; i < n; i++) await s.storage.set(`key${i % keys}`, value);
  }));
  add('get', await timed(async () => {
    for (let i = 0; i < n; i++) await s.storage.get(`key${i % keys}`);
  }));
  add('set×100 concurrent', await timed(async () => {
    for (let i = 0; i < n; i += 100) {
      const batch: Promise<void>[] = [];
      for (let j = 0; j < 100; j++) batch.push(s.storage.set(`key${(i + j) % keys}`, value));
      await Promise.all(batch);
    }
  }));
  if (s.analytics && s.analytics.getStats().operations.get?.count !== n) throw new Error(`${mode}: analytics missed operations`);
  await s.close();
  return out;
}
