import { describe, expect, it } from 'vitest';
import { StowageError } from '@stowage/core';
import { describeRemoteStoreConformance, expectStowageError } from '@stowage/test-utils';
import { memoryRemote, type MemoryRemote } from '../memory-remote.js';

const harness = (remote: MemoryRemote) => ({
  remote,
  faults: {
    failNext: async (n: number) => remote.faults.failNext(n),
    loseNextAck: async () => remote.faults.loseNextAck(),
  },
  readDoc: async (collection: string, doc: string) => remote.readDoc(collection, doc),
});

describeRemoteStoreConformance('memoryRemote', async () => harness(memoryRemote()));

describe('memoryRemote test hooks', () => {
  it('failNext rejects the next calls with the given error, then recovers', async () => {
    const remote = memoryRemote();
    remote.faults.failNext(2, new StowageError('permission-denied', 'nope'));
    await expectStowageError(remote.pull(undefined, 1), 'permission-denied');
    await expectStowageError(remote.apply([]), 'permission-denied');
    expect(await remote.apply([])).toEqual([]);
    expect(remote.calls).toMatchObject({ pull: 1, apply: 2 });
  });

  it('loseNextAck applies the push, rejects it as unavailable, and clear() cancels pending faults', async () => {
    const remote = memoryRemote();
    remote.faults.loseNextAck();
    await expectStowageError(remote.push([{ key: 'k', hlc: 'h1', origin: 'A', base: null, deleted: false, value: 1 }]), 'unavailable');
    expect(remote.peek('k')).toMatchObject({ hlc: 'h1', value: 1 });
    remote.faults.loseNextAck();
    remote.faults.failNext(1);
    remote.faults.clear();
    expect(await remote.pull(undefined, 5)).toMatchObject({ docs: [{ key: 'k' }] });
  });

  it('values are copied in and out: mutating inputs or results changes nothing stored', async () => {
    const remote = memoryRemote();
    const value = { list: [1] };
    const data = new Uint8Array([1, 2]);
    await remote.push([
      { key: 'v', hlc: 'h1', origin: 'A', base: null, deleted: false, value },
      { key: 'b', hlc: 'h1', origin: 'A', base: null, deleted: false, data, codecs: ['aes-gcm'] },
    ]);
    value.list.push(2);
    data[0] = 9;
    const { docs } = await remote.pull(undefined, 5);
    (docs.find((d) => d.key === 'v')!.value as { list: number[] }).list.push(3);
    expect(remote.peek('v')?.value).toEqual({ list: [1] });
    expect(Array.from(remote.peek('b')?.data ?? [])).toEqual([1, 2]);
  });

  it('purgeTombstones compares write times of the injected clock', async () => {
    let now = 1_000;
    const remote = memoryRemote({ clock: { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined } });
    await remote.push([{ key: 't', hlc: 'h1', origin: 'A', base: null, deleted: true }]);
    now = 5_000;
    expect(await remote.purgeTombstones(1_000)).toBe(0);
    expect(await remote.purgeTombstones(1_001)).toBe(1);
    await expectStowageError(remote.purgeTombstones(Number.NaN), 'invalid-argument');
  });
});
