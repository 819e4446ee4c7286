import { initializeApp, deleteApp } from 'firebase/app';
import { connectFirestoreEmulator, doc, getFirestore, setDoc } from 'firebase/firestore/lite';
import { createStorage } from '@stowage/core';
import { manualOnline } from '@stowage/core/testing';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { createFirestoreRemote } from '@stowage/firestore';
import { createNetworkMonitor, createSync } from '@stowage/sync';
import type { Sync } from '@stowage/sync';
import { smallEntries } from '../data.js';
import { clearDocuments, PROJECT_ID, requestStats, resetStats } from '../emulator.js';
import type { EmulatorTarget } from '../emulator.js';
import { deleteDb } from '../kv/idb.js';
import { check } from '../kv/contenders.js';
import type { BenchGroup, MetricDef } from '../types.js';

/** One offline write: which key, which value (the n-th write of a key carries `rev: n`). */
interface Write {
  key: string;
  value: Record<string, unknown>;
}

/** `writes` writes round-robin over `keys` keys, each value ~200 B. */
function workload(writes: number, keys: number): Write[] {
  const base = smallEntries(keys);
  return Array.from({ length: writes }, (_, i) => {
    const [key, value] = base[i % keys] as (typeof base)[number];
    return { key, value: { ...value, rev: Math.floor(i / keys) } };
  });
}

/**
 * Resolves once the outbox is empty. `flush()` alone is not enough: when the reconnect's own flush
 * holds the flush lock, a second call returns at once (`ran: false`) while that one is still pushing.
 */
async function drained(sync: Sync, timeoutMs = 300_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  await sync.flush();
  for (;;) {
    const status = await sync.status();
    if (status.pending === 0) return;
    if (performance.now() > deadline) throw new Error(`sync did not drain: ${status.pending} keys pending (${status.lastError?.message ?? 'no error'})`);
    // Woken by the next push (or a 50 ms tick), so the wall time is not rounded up to a poll period.
    await new Promise<void>((resolve) => {
      const off = sync.subscribe((e) => {
        if (e.type === 'pushed' || e.type === 'error' || e.type === 'dead-lettered') done();
      });
      const timer = setTimeout(() => done(), 50);
      function done(): void {
        off();
        clearTimeout(timer);
        resolve();
      }
    });
  }
}

const METRICS: MetricDef[] = [
  { key: 'replay', label: 'replay ms (online → all acknowledged)', unit: 'ms', better: 'lower' },
  { key: 'requests', label: 'requests sent', unit: 'count', better: 'lower' },
];

/** Rounds of the offline writes: the app writes `writes / ROUNDS` values per tick, not all at once. */
const ROUNDS = 100;

/**
 * Offline writes replayed to the local Firestore emulator: Stowage's KV sync (outbox coalesced per
 * key, pushed in batches of 100 keys with compare-and-set) vs replaying every operation as its own
 * `setDoc` request, in order. The emulator counts the RPCs each side sends.
 */
export function syncReplayGroup(id: string, target: EmulatorTarget, writes: number, keys: number): BenchGroup {
  let cached: Write[] | undefined;
  const ops = (): Write[] => (cached ??= workload(writes, keys));
  const perRound = Math.ceil(writes / ROUNDS);
  let n = 0; // every sample uses a fresh database and app
  return {
    id,
    title: `Sync: ${writes.toLocaleString('en')} offline writes over ${keys.toLocaleString('en')} keys replayed to the local Firestore emulator`,
    note: `Writes are made offline, ${perRound} per tick; the replay is timed from going online until the last write is acknowledged. Requests = RPCs the emulator received (commit, batchGet, runQuery), CORS preflights excluded.`,
    settings: { warmup: 0, repetitions: 5 },
    metrics: METRICS,
    cases: [
      {
        name: 'Stowage createSync + createFirestoreRemote (outbox coalesced per key)',
        ours: true,
        setup() {
          return {
            timed: {},
            async sample() {
              const name = `bench-${id}-${n++}`;
              await deleteDb(name);
              await clearDocuments(target);
              const online = manualOnline(false); // the writes happen offline; the replay is timed from "online"
              const storage = createStorage({ driver: indexedDbDriver({ dbName: name }), prefix: 'app' });
              const remote = createFirestoreRemote({ firebaseOptions: { projectId: PROJECT_ID }, appName: name, emulator: target, collectionPath: 'kv' });
              const sync = createSync({ storage, remote, network: createNetworkMonitor({ online }), pullInterval: 0 });
              try {
                await sync.ready();
                const list = ops();
                for (let i = 0; i < list.length; i += perRound) await Promise.all(list.slice(i, i + perRound).map((w) => storage.set(w.key, w.value)));
                check((await sync.status()).pending === keys, `the outbox holds ${(await sync.status()).pending} keys, expected ${keys}`);
                await resetStats(target);
                const t0 = performance.now();
                online.set(true); // the engine flushes on reconnect, by itself
                await drained(sync);
                const replay = performance.now() - t0;
                const stats = await requestStats(target);
                const pulled = await remote.pull(undefined, keys + 1);
                const last = list[list.length - 1] as Write;
                const doc = pulled.docs.find((d) => d.key === last.key);
                check(pulled.docs.length === keys && JSON.stringify(doc?.value) === JSON.stringify(last.value), 'the emulator does not hold the latest value of every key');
                return { replay, requests: stats.total };
              } finally {
                await sync.close();
                await storage.close();
                await remote.close();
                await deleteDb(name);
              }
            },
          };
        },
      },
      {
        name: 'one setDoc request per operation, in order (firebase/firestore/lite)',
        setup() {
          return {
            timed: {},
            async sample() {
              const app = initializeApp({ projectId: PROJECT_ID }, `bench-${id}-${n++}`);
              const db = getFirestore(app);
              connectFirestoreEmulator(db, target.host, target.port);
              try {
                await clearDocuments(target);
                await resetStats(target);
                const t0 = performance.now();
                for (const w of ops()) await setDoc(doc(db, 'kv', w.key), { json: JSON.stringify(w.value) });
                const replay = performance.now() - t0;
                const stats = await requestStats(target);
                check(stats.byRpc.commit === writes, `expected ${writes} commits, the emulator saw ${stats.byRpc.commit}`);
                return { replay, requests: stats.total };
              } finally {
                await deleteApp(app);
              }
            },
          };
        },
      },
    ],
  };
}
