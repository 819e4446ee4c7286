import { StowageError } from '@stowage/core';
import { afterEach, describe, expect, test } from 'vitest';
import type { QueueOutcome } from '../index.js';
import { collect, recordingHandler, world } from './helpers.js';
import type { World } from './helpers.js';

let w: World;
afterEach(async () => {
  await w.closeAll();
});

const kill = (): QueueOutcome => ({ status: 'dead', error: new StowageError('permission-denied', 'no') });

describe('dead letters', () => {
  test('retryDead puts entries back under their original ids (ahead of later entries of their scope) with attempts 0', async () => {
    w = world();
    let deadly = true;
    const rec = recordingHandler<string>((e) => (deadly && e.payload === 'create' ? kill() : { status: 'done' }));
    const q = w.queue<string>({ handler: rec.handler });
    const create = await q.enqueue('create', { scope: 'doc/1' });
    await q.flush();
    const [letter] = await q.deadLetters();
    expect(letter).toMatchObject({ entry: { id: create.id, payload: 'create', scope: 'doc/1' }, error: { code: 'permission-denied' } });
    q.pause(); // keep the next entry pending
    await q.enqueue('update', { scope: 'doc/1' });
    q.resume();
    const events = collect(q);
    deadly = false;
    expect(await q.retryDead([letter!.id, 'no-such-id'])).toBe(1);
    expect(events[0]).toEqual({ type: 'dead-removed', source: 'local', ids: [letter!.id], reason: 'retried' });
    expect((await q.list()).map((e) => [e.payload, e.attempts])).toEqual([['create', 0], ['update', 0]]);
    expect(await q.deadLetters()).toEqual([]);
    await q.flush();
    expect(rec.payloads().slice(1)).toEqual([['create'], ['update']]); // one per scope per batch, in order
  });

  test('dropDead removes the given ids, or all', async () => {
    w = world();
    const q = w.queue<number>({ handler: recordingHandler<number>(kill).handler });
    for (let i = 0; i < 4; i++) await q.enqueue(i);
    await q.flush();
    const letters = await q.deadLetters();
    expect(letters.map((d) => d.entry.payload)).toEqual([0, 1, 2, 3]);
    const events = collect(q);
    expect(await q.dropDead([letters[1]!.id, letters[1]!.id])).toBe(1);
    expect((await q.deadLetters()).map((d) => d.entry.payload)).toEqual([0, 2, 3]);
    expect(await q.dropDead()).toBe(3);
    expect(await q.deadLetters()).toEqual([]);
    expect(await q.dropDead()).toBe(0);
    expect(events.map((e) => e.type === 'dead-removed' && [e.ids.length, e.reason])).toEqual([[1, 'dropped'], [3, 'dropped']]);
  });

  test('retention keeps the newest maxDeadLetters deaths and reports the dropped ones', async () => {
    w = world();
    const q = w.queue<number>({ handler: recordingHandler<number>(kill).handler, maxDeadLetters: 3, batchSize: 2 });
    const events = collect(q);
    for (let i = 0; i < 5; i++) await q.enqueue(i);
    await q.flush(); // batches [0,1], [2,3], [4]
    expect((await q.deadLetters()).map((d) => d.entry.payload)).toEqual([2, 3, 4]);
    const removed = events.filter((e) => e.type === 'dead-removed');
    // [2,3] dies → 4 letters, the oldest goes; [4] dies → 4 again, the next oldest goes.
    expect(removed).toEqual([
      { type: 'dead-removed', source: 'local', reason: 'retention', ids: [expect.any(String)] },
      { type: 'dead-removed', source: 'local', reason: 'retention', ids: [expect.any(String)] },
    ]);
    expect(events.filter((e) => e.type === 'dead-lettered')).toHaveLength(5);
  });

  test('more deaths in one batch than maxDeadLetters keeps only the newest; maxDeadLetters 0 keeps none', async () => {
    w = world();
    const q = w.queue<number>({ handler: recordingHandler<number>(kill).handler, maxDeadLetters: 2 });
    for (let i = 0; i < 4; i++) await q.enqueue(i);
    await q.flush();
    expect((await q.deadLetters()).map((d) => d.entry.payload)).toEqual([2, 3]);
    const none = w.queue<number>({ name: 'none', handler: recordingHandler<number>(kill).handler, maxDeadLetters: 0 });
    await none.enqueue(1);
    await none.flush();
    expect(await none.deadLetters()).toEqual([]);
    expect(await none.size()).toBe(0);
  });

  test('an unreadable stored entry is moved to the dead-letter list with its raw value (never delivered, never lost)', async () => {
    w = world();
    const rec = recordingHandler<number>();
    const q = w.queue<number>({ handler: rec.handler });
    await q.enqueue(1);
    await w.driver.batch([{ type: 'put', key: '\u0000q/ops/e/zzz-garbage', value: { legacy: true } }]);
    await q.flush();
    expect(rec.payloads()).toEqual([[1]]);
    const [letter] = await q.deadLetters();
    expect(letter).toMatchObject({ entry: { id: 'zzz-garbage', payload: { legacy: true } }, error: { code: 'decode-failed' } });
    expect(await q.size()).toBe(0);
  });

  test('bad ids are invalid-argument', async () => {
    w = world();
    const q = w.queue<number>({ handler: recordingHandler<number>().handler });
    await expect(q.retryDead('id' as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(q.dropDead([1] as never)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
