// The promises of the sync issue, end to end: createSync / createOfflineQueue from @stowage/sync over
// this package's Firestore remote (the real firebase/firestore/lite SDK) against the local emulator
// with its fault injection. Real time here (the emulator is real), with small backoffs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doc, getDoc } from 'firebase/firestore/lite';
import { createStorage, memoryDriver, memoryLocks } from '@stowage/core';
import { manualOnline, memoryBroadcast } from '@stowage/core/testing';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import { createNetworkMonitor, createOfflineQueue, createSync } from '@stowage/sync';
import type { OfflineQueue, SyncOptions } from '@stowage/sync';
import { uniqueCollection } from '@stowage/test-utils';
import type { FirestoreRemote } from '../index.js';
import { emulatorRemote } from './harness.js';

const BACKOFF = { baseMs: 5, factor: 1.5, maxMs: 40, jitter: 0.5 };

let emulator: EmulatorHandle;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterEach(async () => {
  emulator.faults.clear();
  emulator.resetStats();
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  await emulator.stop();
});

function remoteFor(collectionPath: string): FirestoreRemote {
  const remote = emulatorRemote(emulator.host, emulator.port, { collectionPath });
  closers.push(() => remote.close());
  return remote;
}

function syncClient(collectionPath: string, extra: Partial<SyncOptions> = {}) {
  const remote = remoteFor(collectionPath);
  const storage = createStorage({ driver: memoryDriver(), prefix: 'app', broadcast: false });
  const online = manualOnline();
  const sync = createSync({
    storage, remote, locks: memoryLocks(), broadcast: memoryBroadcast(), pullInterval: 0, backoff: BACKOFF, requestTimeout: 2000,
    network: createNetworkMonitor({ online }), ...extra,
  });
  closers.push(() => sync.close());
  return { storage, sync, online, remote };
}

async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sync over Firestore (emulator)', () => {
  it('lost acknowledgements on 100 commits: every operation applied exactly once, creates and increments included', async () => {
    const c = uniqueCollection('ops');
    const remote = remoteFor(c);
    const queue: OfflineQueue = createOfflineQueue({ remote, driver: memoryDriver(), locks: memoryLocks(), broadcast: memoryBroadcast(), backoff: BACKOFF, batchSize: 1 });
    closers.push(() => queue.close());
    await queue.ready();
    emulator.faults.loseAcks({ count: 100 });
    for (let i = 0; i < 25; i++) await queue.add({ type: 'create', collection: c, id: `doc${i}`, data: { i } });
    for (let i = 0; i < 25; i++) await queue.add({ type: 'increment', collection: c, id: 'counter', data: { n: 1 } });
    await until(async () => (await queue.size()) === 0, 'the queue to drain', 60_000);
    expect(emulator.stats().lostAcks).toBe(100);
    expect(await queue.failed()).toEqual([]); // no create came back as "already exists"
    for (let i = 0; i < 25; i++) expect((await getDoc(doc(remote.firestore, c, `doc${i}`))).data()).toEqual({ i });
    expect((await getDoc(doc(remote.firestore, c, 'counter'))).data()).toEqual({ n: 25 });
  }, 90_000);

  it('30 % of requests failing with 503, then a hang past the timeout: everything delivered, backoff bounded, no storm', async () => {
    const c = uniqueCollection('kv');
    const a = syncClient(c, { batchSize: 10 });
    await a.sync.ready();
    emulator.faults.failRate({ p: 0.3, seed: 7, status: 503 });
    for (let i = 0; i < 50; i++) await a.storage.set(`k${i}`, { i });
    await until(async () => (await a.sync.status()).pending === 0, 'delivery under 30 % failures', 60_000);
    const afterFailures = emulator.stats();
    emulator.faults.clear();
    // A hang: requests never answer; the engine's timeout (2 s) turns them into retries.
    emulator.faults.hang({ rpc: 'commit' });
    await a.storage.set('during-hang', 1);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await a.sync.status()).pending).toBe(1);
    emulator.faults.clear();
    await until(async () => (await a.sync.status()).pending === 0, 'delivery after the hang');
    const b = syncClient(c);
    await b.sync.pull();
    for (let i = 0; i < 50; i++) expect(await b.storage.get(`k${i}`)).toEqual({ i });
    expect(await b.storage.get('during-hang')).toBe(1);
    // No storm. A push of n keys is n + 1 requests, so at p = 0.3 a 10-key push almost always fails
    // somewhere (0.7¹¹ ≈ 2 %); the queue halves a batch after each transport failure, which keeps
    // the total in proportion (768 requests with fixed batches of 10, 219 with halving) at the cost
    // of more, smaller commits.
    const commits = afterFailures.byRpc.commit ?? 0;
    console.log(`30 % 503s: ${afterFailures.total} requests, ${commits} commits for 50 keys`);
    expect(afterFailures.total).toBeLessThan(400);
    expect(commits).toBeLessThan(60);
  }, 90_000);

  it('1,000 writes to 100 keys while offline → reconnect → the cloud holds the last value of each key, in a handful of commits', async () => {
    const c = uniqueCollection('kv');
    const a = syncClient(c, { batchSize: 100 });
    await a.sync.ready();
    a.online.set(false);
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 100 }, (_, k) => a.storage.set(`key${k}`, { round, k })));
    }
    expect((await a.sync.status()).pending).toBe(100);
    emulator.resetStats();
    a.online.set(true);
    await until(async () => (await a.sync.status()).pending === 0, 'the outbox to drain');
    const stats = emulator.stats();
    console.log(`1,000 offline writes over 100 keys: ${stats.total} requests, ${stats.byRpc.commit ?? 0} commits`);
    expect(stats.byRpc.commit ?? 0).toBeLessThanOrEqual(2);
    const b = syncClient(c);
    expect(await b.sync.pull()).toBe(100);
    for (let k = 0; k < 100; k++) expect(await b.storage.get(`key${k}`)).toEqual({ round: 9, k });
  }, 60_000);

  it('two clients editing one key while apart: last-write-wins decides and both converge', async () => {
    const c = uniqueCollection('kv');
    const a = syncClient(c);
    const b = syncClient(c);
    await a.sync.ready();
    await b.sync.ready();
    await a.storage.set('doc', 'v0');
    await a.sync.flush();
    await b.sync.pull();
    a.online.set(false);
    b.online.set(false);
    await a.storage.set('doc', 'from a');
    await new Promise((r) => setTimeout(r, 5));
    await b.storage.set('doc', 'from b (later)');
    a.online.set(true);
    b.online.set(true);
    for (let i = 0; i < 3; i++) {
      await a.sync.flush();
      await b.sync.flush();
      await a.sync.pull();
      await b.sync.pull();
    }
    expect(await a.storage.get('doc')).toBe('from b (later)');
    expect(await b.storage.get('doc')).toBe('from b (later)');
    expect(await a.sync.status()).toMatchObject({ pending: 0 });
    expect(await b.sync.status()).toMatchObject({ pending: 0 });
  }, 60_000);
});
