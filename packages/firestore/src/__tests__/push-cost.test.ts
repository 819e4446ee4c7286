import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '@stowage/firestore-emulator';
import type { RemoteChange } from '@stowage/sync';
import { pullAll } from '@stowage/test-utils';
import { emulatorRemote } from './harness.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

const changes = (n: number, hlc: string, base: string | null): RemoteChange[] =>
  Array.from({ length: n }, (_, i) => ({ key: `key-${i}`, hlc, origin: 'A', base, deleted: false, value: { i } }));

/**
 * What a push costs on the wire. The counts are properties of the design (one batchGet per
 * document — Lite's Transaction.get reads one document per request — and one commit per 500
 * changes), so they are asserted exactly; the report prints them.
 */
describe('requests per push', () => {
  it('100 keys: 100 batchGets + 1 commit; 501 keys: 2 commits; a retry of 100 applied keys: 100 batchGets + 1 commit', async () => {
    const remote = emulatorRemote(emulator.host, emulator.port);
    emulator.resetStats();
    const t100 = performance.now();
    const out = await remote.push(changes(100, 'h1', null));
    const ms100 = performance.now() - t100;
    expect(out.every((o) => o.status === 'applied')).toBe(true);
    const first = emulator.stats();
    expect(first.byRpc).toMatchObject({ batchGet: 100, commit: 1 });
    expect(first.total).toBe(101);

    emulator.resetStats();
    expect((await remote.push(changes(100, 'h1', null))).every((o) => o.status === 'applied')).toBe(true);
    expect(emulator.stats().byRpc).toMatchObject({ batchGet: 100, commit: 1 });

    const big = emulatorRemote(emulator.host, emulator.port);
    emulator.resetStats();
    const t0 = performance.now();
    expect((await big.push(changes(501, 'h1', null))).every((o) => o.status === 'applied')).toBe(true);
    const ms = performance.now() - t0;
    expect(emulator.stats().byRpc).toMatchObject({ batchGet: 501, commit: 2 });
    expect((await pullAll(big, undefined, 500)).docs).toHaveLength(501);
    console.info(`push cost: 100 keys → ${first.byRpc.batchGet} batchGet + ${first.byRpc.commit} commit (${first.total} requests) in ${ms100.toFixed(0)} ms; 501 keys → 2 commits in ${ms.toFixed(0)} ms`);
    await Promise.all([remote.close(), big.close()]);
  }, 120_000);
});
