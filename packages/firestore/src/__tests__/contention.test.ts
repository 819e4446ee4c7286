import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doc, getDoc, setLogLevel } from 'firebase/firestore/lite';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import type { PushOutcome } from '@stowage/sync';
import { uniqueCollection } from '@stowage/test-utils';
import { createFirestoreRemote, type FirestoreRemote } from '../index.js';

// Lost races are expected here; the SDK would log every refused commit.
setLogLevel('silent');

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

/** `n` clients (own app each) on one collection. */
function clients(n: number): FirestoreRemote[] {
  const collectionPath = uniqueCollection('kv');
  return Array.from({ length: n }, (_, i) =>
    createFirestoreRemote({ firebaseOptions: { projectId: 'demo-race' }, appName: `${collectionPath}-${i}`, emulator: { host: emulator.host, port: emulator.port }, collectionPath }),
  );
}

describe('concurrent clients', () => {
  it('racing pushes with the same base: exactly one applies, the others get a conflict with the winner', async () => {
    const racers = clients(6);
    const results = await Promise.all(racers.map((r, i) => r.push([{ key: 'k', hlc: `h${i}`, origin: `c${i}`, base: null, deleted: false, value: i }])));
    const outcomes = results.map((r) => r[0]!);
    const winners = outcomes.filter((o) => o.status === 'applied');
    expect(winners).toHaveLength(1);
    const winner = winners[0] as Extract<PushOutcome, { status: 'applied' }>;
    for (const o of outcomes.filter((x) => x.status !== 'applied')) {
      expect(o).toMatchObject({ status: 'conflict', remote: { key: 'k', hlc: winner.hlc } });
    }
    await Promise.all(racers.map((r) => r.close()));
  });

  it('concurrent applies of increments with distinct ids all land; the same id from two clients lands once', async () => {
    const racers = clients(4);
    const c = uniqueCollection();
    await Promise.all(racers.map((r, i) => r.apply(Array.from({ length: 5 }, (_, j) => ({ id: `r${i}-${j}`, type: 'increment' as const, collection: c, doc: 'n', data: { v: 1 } })))));
    const shared = { id: 'shared', type: 'increment' as const, collection: c, doc: 'n', data: { v: 100 } };
    const both = await Promise.all(racers.map((r) => r.apply([shared])));
    expect(both.map((o) => o[0]!.status).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
    expect((await getDoc(doc(racers[0]!.firestore, c, 'n'))).data()).toEqual({ v: 120 });
    await Promise.all(racers.map((r) => r.close()));
  });
});
