import { expect, it } from 'vitest';
import type { Driver, DriverOp, StowageError } from '@stowage/core';
import { expectStowageError } from './driver-test-helpers.js';
import type { Put } from './driver-conformance-ordering.js';

/** `check` ops: conditional batches (see `DriverOp`). */
export function describeChecks(d: () => Driver, put: Put): void {
  const check = (key: string, test: (value: unknown) => boolean): DriverOp => ({ type: 'check', key, test });

  it('a passing check lets the batch apply; its test sees the stored value, undefined when absent', async () => {
    await put('k', { n: 1 });
    const seen: unknown[] = [];
    await d().batch([
      check('k', (v) => (seen.push(v), true)),
      check('absent', (v) => (seen.push(v), v === undefined)),
      { type: 'put', key: 'k', value: { n: 2 } },
    ]);
    expect(seen).toEqual([{ n: 1 }, undefined]);
    expect(await d().get('k')).toEqual({ n: 2 });
  });

  it("a failing check rejects with 'conflict' (reason check-failed, key, index) and, when atomic, writes nothing", async () => {
    await put('keep', 'before');
    await put('guard', 1);
    const err = await expectStowageError(d().batch([
      { type: 'put', key: 'keep', value: 'after' },
      { type: 'put', key: 'new', value: 1 },
      check('guard', (v) => v === 2),
      { type: 'put', key: 'late', value: 1 },
    ]), 'conflict');
    expect(err.details).toMatchObject({ reason: 'check-failed', key: 'guard', index: 2 });
    expect(await d().get('late')).toBeUndefined();
    if (d().capabilities.atomicBatch) {
      expect(await d().entries('')).toEqual([['guard', 1], ['keep', 'before']]);
    }
  });

  it('a check sees the earlier ops of its own batch', async () => {
    await put('k', 'old');
    await d().batch([{ type: 'put', key: 'k', value: 'new' }, check('k', (v) => v === 'new'), { type: 'put', key: 'j', value: 1 }]);
    expect(await d().get('j')).toBe(1);
    await d().batch([{ type: 'delete', key: 'k' }, check('k', (v) => v === undefined), { type: 'put', key: 'j', value: 2 }]);
    expect(await d().getMany(['k', 'j'])).toEqual([undefined, 2]);
    await expectStowageError(d().batch([{ type: 'put', key: 'k', value: 'x' }, check('k', (v) => v === 'old')]), 'conflict');
    expect(await d().get('k')).toBe(d().capabilities.atomicBatch ? undefined : 'x');
  });

  it('a test that throws fails its check (the error is the cause) instead of committing on a guess', async () => {
    await put('k', 1);
    const boom = new Error('test bug');
    const err: StowageError = await expectStowageError(d().batch([
      check('k', () => {
        throw boom;
      }),
      { type: 'put', key: 'k', value: 2 },
    ]), 'conflict');
    expect(err.cause).toBe(boom);
    expect(await d().get('k')).toBe(1);
  });

  it('a Uint8Array value reaches the test byte-exact, and a test that mutates it changes nothing stored', async () => {
    await put('bytes', new Uint8Array([1, 2, 3]));
    await d().batch([check('bytes', (v) => {
      const ok = v instanceof Uint8Array && v.join() === '1,2,3';
      if (v instanceof Uint8Array) v[0] = 9;
      return ok;
    })]);
    expect(await d().get('bytes')).toEqual(new Uint8Array([1, 2, 3]));
  });
}
