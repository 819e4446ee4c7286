import { expect, it } from 'vitest';
import { isRetryable } from '@stowage/core';
import type { ApplyOutcome, CollectionOp } from '@stowage/sync';
import { expectLostAck, uniqueCollection, type CurrentHarness } from './remote-store-harness.js';
import { expectStowageError } from './driver-test-helpers.js';

let opSeq = 0;
/** A collection operation with a fresh id. */
function op(type: CollectionOp['type'], collection: string, doc: string, data?: Record<string, unknown>, id = `op-${Date.now()}-${opSeq++}`): CollectionOp {
  return data === undefined ? { id, type, collection, doc } : { id, type, collection, doc, data };
}

const statuses = (outcomes: ApplyOutcome[]) => outcomes.map((o) => o.status);
const codeOf = (o: ApplyOutcome | undefined) => (o?.status === 'rejected' ? o.error.code : undefined);

/** Collection operations of the RemoteStore contract: semantics, order, idempotency by id. */
export function describeRemoteApply(h: CurrentHarness): void {
  const r = () => h().remote;
  const read = (c: string, d: string) => h().readDoc(c, d);

  it('create, update (merges top-level fields), set (overwrites), increment, delete', async () => {
    const c = uniqueCollection();
    const out = await r().apply([
      op('create', c, 'a', { title: 'milk', done: false, tags: ['x'], meta: { p: 1, q: 2 } }),
      op('create', c, 'b', { n: 1 }),
      op('set', c, 'c', { v: 1 }),
      op('increment', c, 'counter', { hits: 2, misses: -1.5 }),
    ]);
    expect(statuses(out)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(out[0]).toEqual({ status: 'applied', id: expect.any(String) });
    const more = await r().apply([
      op('update', c, 'a', { done: true, meta: { p: 9 } }),
      op('set', c, 'c', { w: 2 }),
      op('increment', c, 'counter', { hits: 3 }),
      op('delete', c, 'b'),
      op('delete', c, 'never-existed'),
    ]);
    expect(statuses(more)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    expect(await read(c, 'a')).toEqual({ title: 'milk', done: true, tags: ['x'], meta: { p: 9 } });
    expect(await read(c, 'b')).toBeUndefined();
    expect(await read(c, 'c')).toEqual({ w: 2 });
    expect(await read(c, 'counter')).toEqual({ hits: 5, misses: -1.5 });
  });

  it('operations apply in order within a batch, several on one document', async () => {
    const c = uniqueCollection();
    const out = await r().apply([
      op('create', c, 'd', { n: 1, s: 'a' }),
      op('increment', c, 'd', { n: 10 }),
      op('update', c, 'd', { s: 'b' }),
      op('create', c, 'd', { n: 0 }),
      op('delete', c, 'd'),
      op('update', c, 'd', { s: 'c' }),
      op('increment', c, 'd', { n: 4 }),
      op('create', c, 'e', { v: 1 }),
      op('update', c, 'e', { v: 2 }),
    ]);
    expect(statuses(out)).toEqual(['applied', 'applied', 'applied', 'rejected', 'applied', 'rejected', 'applied', 'applied', 'applied']);
    expect(codeOf(out[3])).toBe('conflict');
    expect(codeOf(out[5])).toBe('not-found');
    expect(await read(c, 'd')).toEqual({ n: 4 });
    expect(await read(c, 'e')).toEqual({ v: 2 });
  });

  it('create on an existing document and update of a missing one are rejected, permanently', async () => {
    const c = uniqueCollection();
    await r().apply([op('set', c, 'x', { v: 1 })]);
    const create = op('create', c, 'x', { v: 2 });
    const update = op('update', c, 'y', { v: 2 });
    const out = await r().apply([create, update]);
    expect(out.map(codeOf)).toEqual(['conflict', 'not-found']);
    for (const o of out) if (o.status === 'rejected') expect(isRetryable(o.error)).toBe(false);
    expect(await read(c, 'x')).toEqual({ v: 1 });
    expect(await read(c, 'y')).toBeUndefined();
    // Retried after the document appeared: the id was decided, the outcome does not change.
    await r().apply([op('set', c, 'y', { v: 1 })]);
    expect((await r().apply([update])).map(codeOf)).toEqual(['not-found']);
    expect(await read(c, 'y')).toEqual({ v: 1 });
  });

  it('invalid operations are rejected with invalid-argument; the rest of the batch applies', async () => {
    const c = uniqueCollection();
    const out = await r().apply([
      op('set', c, '__bad__', { v: 1 }),
      op('set', c, 'a/b', { v: 1 }),
      op('set', `${c}/doc`, 'x', { v: 1 }),
      op('increment', c, 'n', { v: 'one' }),
      op('set', c, 'nested', { v: [[1]] }),
      op('set', c, 'undef', { v: undefined }),
      op('create', c, 'nodata'),
      { id: '', type: 'set', collection: c, doc: 'x', data: {} },
      { id: 'bad-type', type: 'upsert' as never, collection: c, doc: 'x', data: {} },
      op('set', c, 'ok', { v: 1 }),
    ]);
    expect(statuses(out)).toEqual([...Array(9).fill('rejected'), 'applied']);
    expect(new Set(out.slice(0, 9).map(codeOf))).toEqual(new Set(['invalid-argument']));
    expect(await read(c, 'ok')).toEqual({ v: 1 });
    expect(await read(c, 'n')).toBeUndefined();
    await expectStowageError(r().apply({} as never), 'invalid-argument');
  });

  it('an operation id applies once: repeats in later calls and in the same batch are duplicates', async () => {
    const c = uniqueCollection();
    const inc = op('increment', c, 'n', { v: 1 });
    expect(statuses(await r().apply([inc, inc]))).toEqual(['applied', 'duplicate']);
    expect(await r().apply([inc])).toEqual([{ status: 'duplicate', id: inc.id }]);
    expect(statuses(await r().apply([op('increment', c, 'n', { v: 1 })]))).toEqual(['applied']);
    expect(await read(c, 'n')).toEqual({ v: 2 });
  });

  it('purgeOperations deletes markers older than the cutoff only; an id whose marker is gone is a new operation', async () => {
    expect(typeof r().purgeOperations).toBe('function');
    const c = uniqueCollection();
    const inc = op('increment', c, 'n', { v: 1 });
    const refused = op('update', c, 'missing', { v: 1 });
    expect(statuses(await r().apply([inc, refused]))).toEqual(['applied', 'rejected']);
    await r().purgeOperations!(Date.now() - 3_600_000); // nothing of this test is that old
    expect(statuses(await r().apply([inc, refused]))).toEqual(['duplicate', 'rejected']);
    expect(await read(c, 'n')).toEqual({ v: 1 });

    expect(await r().purgeOperations!(Date.now() + 3_600_000)).toBeGreaterThanOrEqual(2);
    expect(statuses(await r().apply([inc]))).toEqual(['applied']); // the same id applies again
    expect(await read(c, 'n')).toEqual({ v: 2 });
    await expectStowageError(r().purgeOperations!(Number.NaN), 'invalid-argument');
  });

  it('lost acknowledgement: increments retried with the same ids apply once', async () => {
    const c = uniqueCollection();
    const ops = [op('increment', c, 'n', { v: 1 }), op('create', c, 'm', { v: 1 }), op('increment', c, 'n', { v: 10 })];
    await h().faults.loseNextAck();
    await expectLostAck(r().apply(ops), (out) => expect(statuses(out)).toEqual(['applied', 'applied', 'applied']));
    expect(statuses(await r().apply(ops))).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await read(c, 'n')).toEqual({ v: 11 });
    expect(await read(c, 'm')).toEqual({ v: 1 });
  });

  it('transport failure rejects apply with a retryable error and applies nothing', async () => {
    const c = uniqueCollection();
    const ops = [op('increment', c, 'n', { v: 1 })];
    await h().faults.failNext(1);
    expect(isRetryable(await expectStowageError(r().apply(ops)))).toBe(true);
    expect(await read(c, 'n')).toBeUndefined();
    expect(statuses(await r().apply(ops))).toEqual(['applied']);
    expect(await read(c, 'n')).toEqual({ v: 1 });
  });
}
