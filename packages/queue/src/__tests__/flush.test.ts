import { StowageError, memoryDriver } from '@stowage/core';
import { afterEach, describe, expect, test } from 'vitest';
import type { QueueEvent, QueueOutcome } from '../index.js';
import { collect, deferred, recordingHandler, world, wrapDriver } from './helpers.js';
import type { World } from './helpers.js';

let w: World;
afterEach(async () => {
  await w.closeAll();
});

describe('flush', () => {
  test('hands entries to the handler in batches of at most batchSize, in enqueue order', async () => {
    w = world();
    const rec = recordingHandler<number>();
    const q = w.queue<number>({ handler: rec.handler, batchSize: 3 });
    for (let i = 0; i < 8; i++) await q.enqueue(i);
    const report = await q.flush();
    expect(rec.payloads()).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]]);
    expect(report).toEqual({ ran: true, handled: 8 });
    expect(await q.size()).toBe(0);
  });

  test('a batch that fails as a whole with a retryable error is retried in halves; successes grow the batch back to batchSize', async () => {
    w = world();
    const sizes: number[] = [];
    let flaky = true;
    const q = w.queue<number>({
      batchSize: 16,
      random: () => 0,
      handler: async (entries) => {
        sizes.push(entries.length);
        // Like a flaky link, where a call of more requests fails more often: here, any call over 3.
        if (flaky && entries.length > 3) throw new StowageError('unavailable', 'connection reset');
        return entries.map(() => ({ status: 'done' as const }));
      },
    });
    for (let i = 0; i < 16; i++) await q.enqueue(i);
    for (let i = 0; i < 20 && (await q.size()) > 0; i++) {
      await q.flush();
      await w.clock.advance(60_000); // past any backoff
    }
    expect(await q.size()).toBe(0);
    expect(sizes.slice(0, 4)).toEqual([16, 8, 4, 2]); // halved after each failure
    expect(sizes.filter((n) => n <= 3).reduce((a, b) => a + b, 0)).toBe(16); // each entry delivered once
    expect(Math.max(...sizes.slice(1))).toBeLessThanOrEqual(8);

    // Once calls go through again, the batch doubles back up to batchSize.
    flaky = false;
    sizes.length = 0;
    for (let i = 0; i < 40; i++) await q.enqueue(i);
    await q.flush();
    expect(sizes[0]).toBeLessThanOrEqual(8);
    expect(sizes.at(-2)).toBe(16);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
  });

  test('a batch refused permanently (dead) does not shrink the next one', async () => {
    w = world();
    const rec = recordingHandler<number>((e) => (e.payload < 5 ? { status: 'dead', error: new StowageError('permission-denied', 'no') } : { status: 'done' }));
    const q = w.queue<number>({ handler: rec.handler, batchSize: 5 });
    for (let i = 0; i < 15; i++) await q.enqueue(i);
    await q.flush();
    expect(rec.payloads().map((b) => b.length)).toEqual([5, 5, 5]);
  });

  test('outcomes: done is removed, retry is rescheduled with backoff, dead moves to the dead-letter list', async () => {
    w = world();
    const verdicts: Record<string, QueueOutcome> = {
      ok: { status: 'done' },
      later: { status: 'retry', error: new StowageError('unavailable', 'offline') },
      never: { status: 'dead', error: new StowageError('permission-denied', 'rules say no') },
    };
    const rec = recordingHandler<string>((e) => verdicts[e.payload]!);
    const q = w.queue<string>({ handler: rec.handler, random: () => 0 });
    for (const p of ['ok', 'later', 'never']) await q.enqueue(p);
    const events = collect(q);
    const t0 = w.clock.now();
    await q.flush();
    const pending = await q.list();
    expect(pending.map((e) => e.payload)).toEqual(['later']);
    expect(pending[0]).toMatchObject({ attempts: 1, nextAttemptAt: t0 + 1000, lastError: { code: 'unavailable', message: expect.stringContaining('offline') } });
    const dead = await q.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ entry: { payload: 'never' }, error: { code: 'permission-denied' }, deadAt: t0 });
    expect(events.map((e) => e.type)).toEqual(['succeeded', 'retry-scheduled', 'dead-lettered']);
    expect(events[1]).toMatchObject({ type: 'retry-scheduled', delayMs: 1000, entry: { payload: 'later', attempts: 1 } });
  });

  test('retries back off as 1 s × 1.5ⁿ (within the jitter band) and a timer delivers them when due', async () => {
    w = world();
    const rec = recordingHandler<string>(() => ({ status: 'retry' }));
    const q = w.queue<string>({ handler: rec.handler, random: () => 0.5, autoFlush: true });
    const delays: number[] = [];
    q.subscribe((e) => {
      if (e.type === 'retry-scheduled') delays.push(e.delayMs);
    });
    await q.enqueue('x');
    await w.clock.advance(0);
    for (let n = 1; n <= 5; n++) {
      expect(w.clock.timers()).toEqual([w.clock.now() + delays[n - 1]!]);
      await w.clock.advance(delays[n - 1]! - 1);
      expect(rec.calls).toHaveLength(n); // not a millisecond early
      await w.clock.advance(1);
      expect(rec.calls).toHaveLength(n + 1);
    }
    delays.forEach((d, n) => expect(d).toBeCloseTo(1000 * 1.5 ** n * 0.75, 6)); // random 0.5, jitter 0.5
    expect((await q.list())[0]!.attempts).toBe(6);
  });

  test('per-scope order holds under retries: a failed entry blocks later entries of its scope only', async () => {
    w = world();
    let failFirst = true;
    const rec = recordingHandler<string>((e) => {
      if (e.payload === 'a1' && failFirst) {
        failFirst = false;
        return { status: 'retry', error: new Error('flaky') };
      }
      return { status: 'done' };
    });
    const q = w.queue<string>({ handler: rec.handler, random: () => 0 });
    await q.enqueue('a1', { scope: 'doc/a' });
    await q.enqueue('b1', { scope: 'doc/b' });
    await q.enqueue('a2', { scope: 'doc/a' });
    await q.enqueue('free');
    await q.enqueue('b2', { scope: 'doc/b' });
    await q.flush();
    // One entry per scope per batch; a2 waits behind the backed-off a1, doc/b and unscoped entries go on.
    expect(rec.payloads()).toEqual([['a1', 'b1', 'free'], ['b2']]);
    await w.clock.advance(999);
    await q.flush();
    expect(rec.calls).toHaveLength(2);
    await w.clock.advance(1);
    await q.flush();
    expect(rec.payloads().slice(2)).toEqual([['a1'], ['a2']]);
    expect(await q.size()).toBe(0);
  });

  test('single-flight: flush() during a flush joins it and runs once more for what arrived meanwhile', async () => {
    w = world();
    const gate = deferred();
    let active = 0;
    let maxActive = 0;
    const rec = recordingHandler<string>(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await gate.promise;
      active--;
      return { status: 'done' };
    });
    const q = w.queue<string>({ handler: rec.handler });
    await q.enqueue('first');
    const f1 = q.flush();
    await w.clock.advance(0);
    await q.enqueue('second');
    const f2 = q.flush();
    expect(f2).toBe(f1);
    gate.resolve();
    expect(await f1).toEqual({ ran: true, handled: 2 });
    expect(rec.payloads()).toEqual([['first'], ['second']]);
    expect(maxActive).toBe(1);
  });

  test('a handler that throws a retryable error retries the whole batch; a permanent StowageError kills it', async () => {
    w = world();
    let mode: 'transient' | 'permanent' = 'transient';
    const handler = async (): Promise<QueueOutcome[]> => {
      throw mode === 'transient' ? new TypeError('fetch failed') : new StowageError('permission-denied', 'signed out for good');
    };
    const q = w.queue<number>({ handler, random: () => 0 });
    await q.enqueue(1);
    await q.enqueue(2);
    await q.flush();
    expect((await q.list()).map((e) => [e.payload, e.attempts, e.lastError?.code])).toEqual([[1, 1, 'internal'], [2, 1, 'internal']]);
    mode = 'permanent';
    await q.resetBackoff();
    await q.flush();
    expect(await q.size()).toBe(0);
    expect((await q.deadLetters()).map((d) => [d.entry.payload, d.error.code])).toEqual([[1, 'permission-denied'], [2, 'permission-denied']]);
  });

  test('a malformed handler answer loses nothing: the entries are retried and an error event says why', async () => {
    w = world();
    const answers: unknown[] = [[{ status: 'done' }], [{ status: 'done' }, { status: 'maybe' }], 'nonsense'];
    let call = 0;
    const q = w.queue<number>({ handler: async () => answers[call++] as QueueOutcome[], random: () => 0 });
    const events = collect(q);
    await q.enqueue(1);
    await q.enqueue(2);
    await q.flush(); // one outcome for two entries
    expect((await q.list()).map((e) => e.attempts)).toEqual([1, 1]);
    await q.resetBackoff();
    await q.flush(); // second outcome invalid: first done, second retried
    expect((await q.list()).map((e) => e.payload)).toEqual([2]);
    await q.resetBackoff();
    await q.flush(); // not an array
    expect(await q.size()).toBe(1);
    const errors = events.filter((e): e is Extract<QueueEvent<number>, { type: 'error' }> => e.type === 'error');
    expect(errors.map((e) => [e.operation, e.error.code])).toEqual([['handler', 'internal'], ['handler', 'internal'], ['handler', 'internal']]);
    expect(errors[0]!.error.message).toContain('1 outcomes for 2 entries');
  });

  test('resetBackoff makes every backed-off entry due now with attempts 0', async () => {
    w = world();
    let fail = true;
    const rec = recordingHandler<string>(() => (fail ? { status: 'retry' } : { status: 'done' }));
    const q = w.queue<string>({ handler: rec.handler, random: () => 0, autoFlush: true });
    await q.enqueue('a');
    await w.clock.advance(0);
    await w.clock.advance(1000);
    await w.clock.advance(1500); // third failure: waits 1 s × 1.5² = 2250 ms
    expect(rec.calls).toHaveLength(3);
    expect((await q.list())[0]).toMatchObject({ attempts: 3, nextAttemptAt: w.clock.now() + 2250 });
    fail = false;
    await q.resetBackoff(); // "back online"
    await w.clock.advance(0);
    expect(rec.calls).toHaveLength(4);
    expect(await q.size()).toBe(0);
  });

  test('a flush() issued while this tab\'s own resetBackoff holds the lock waits for it and drains', async () => {
    w = world();
    const rec = recordingHandler<string>();
    const q = w.queue<string>({ handler: rec.handler });
    await q.enqueue('a');
    // What a reconnect does: reset the backoff and flush, while the app flushes too.
    const reset = q.resetBackoff();
    const report = await q.flush();
    await reset;
    expect(report).toEqual({ ran: true, handled: 1 });
    expect(rec.payloads()).toEqual([['a']]);
    expect(await q.size()).toBe(0);
  });

  test('resetBackoff called from inside the handler runs between batches instead of deadlocking on the lock', async () => {
    w = world();
    let resetDone: Promise<void> | undefined;
    let calls = 0;
    const q = w.queue<string>({
      random: () => 0,
      handler: async (entries) => {
        calls++;
        if (calls === 2) resetDone = q.resetBackoff();
        return entries.map((e) => (e.payload === 'slow' && calls === 1 ? { status: 'retry' } : { status: 'done' }));
      },
      batchSize: 1,
    });
    await q.enqueue('slow');
    await q.enqueue('other');
    // slow → retry (1 s); other → done in call 2, which asks for a reset; the same drain applies it
    // between batches and delivers slow again at once (no timer, no second flush).
    expect(await q.flush()).toEqual({ ran: true, handled: 3 });
    await resetDone;
    expect(calls).toBe(3);
    expect(await q.size()).toBe(0);
  });

  test('pause() stops new batches; resume() flushes again', async () => {
    w = world();
    const rec = recordingHandler<number>();
    const q = w.queue<number>({ handler: rec.handler, autoFlush: true });
    q.pause();
    expect(q.paused).toBe(true);
    await q.enqueue(1);
    await w.clock.advance(0);
    expect(await q.flush()).toEqual({ ran: false, handled: 0 });
    expect(rec.calls).toHaveLength(0);
    q.resume();
    await w.clock.advance(0);
    expect(rec.payloads()).toEqual([[1]]);
  });

  test('close() aborts the handler signal; an aborted batch is left untouched for the next session', async () => {
    w = world();
    const q = w.queue<number>({
      handler: (_entries, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    await q.enqueue(1);
    const flushing = q.flush();
    await w.clock.advance(0);
    await q.close();
    await flushing;
    const next = w.queue<number>({ handler: recordingHandler<number>().handler });
    expect((await next.list()).map((e) => [e.payload, e.attempts])).toEqual([[1, 0]]);
  });

  test('events: drained once nothing is pending; not while entries wait for a retry', async () => {
    w = world();
    let fail = true;
    const q = w.queue<number>({ handler: async (es) => es.map(() => (fail ? { status: 'retry' } : { status: 'done' })), random: () => 0 });
    const events = collect(q);
    await q.enqueue(1);
    await q.flush();
    expect(events.map((e) => e.type)).toEqual(['enqueued', 'retry-scheduled']);
    fail = false;
    await w.clock.advance(1000);
    await q.flush();
    expect(events.map((e) => e.type)).toEqual(['enqueued', 'retry-scheduled', 'succeeded', 'drained']);
    expect(await q.flush()).toEqual({ ran: true, handled: 0 }); // an idle look changes nothing and says nothing
    expect(events).toHaveLength(4);
  });

  test('a listener that throws does not break the queue or other listeners', async () => {
    w = world();
    const rec = recordingHandler<number>();
    const q = w.queue<number>({ handler: rec.handler });
    q.subscribe(() => {
      throw new Error('buggy listener');
    });
    const events = collect(q);
    const errors: unknown[] = [];
    const onError = (e: unknown): void => {
      errors.push(e);
    };
    process.on('uncaughtException', onError);
    try {
      await q.enqueue(1);
      await q.flush();
      await w.clock.advance(0);
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(events.map((e) => e.type)).toEqual(['enqueued', 'succeeded', 'drained']);
    expect(await q.size()).toBe(0);
  });

  test('if recording the outcomes fails, nothing is lost: the entries stay pending, an error is reported, a retry is scheduled', async () => {
    const inner = memoryDriver();
    let failNext = false;
    w = world(
      wrapDriver(inner, {
        batch: async (ops) => {
          if (failNext) {
            failNext = false;
            throw new StowageError('unavailable', 'disk went away');
          }
          return inner.batch(ops);
        },
      }),
    );
    const rec = recordingHandler<number>();
    const q = w.queue<number>({ handler: rec.handler, random: () => 0 });
    const events = collect(q);
    await q.enqueue(1);
    failNext = true;
    await expect(q.flush()).rejects.toMatchObject({ code: 'unavailable' });
    expect(events.at(-1)).toMatchObject({ type: 'error', operation: 'flush', error: { code: 'unavailable' } });
    expect((await q.list()).map((e) => [e.payload, e.attempts])).toEqual([[1, 0]]);
    // At least once: the handler sees the entry again, and this time the outcome sticks.
    await q.flush();
    expect(rec.payloads()).toEqual([[1], [1]]);
    expect(await q.size()).toBe(0);
  });

  test('with autoFlush, a failed flush is retried on its own after a backoff', async () => {
    const inner = memoryDriver();
    let failures = 1;
    w = world(
      wrapDriver(inner, {
        entries: async (p, o) => {
          if (p.includes('/e/') && o?.limit !== undefined && failures-- > 0) throw new StowageError('aborted', 'transaction aborted');
          return inner.entries(p, o);
        },
      }),
    );
    await w.queue<number>({ handler: async () => [] }).enqueue(1); // left by an earlier session
    const rec = recordingHandler<number>();
    w.queue<number>({ handler: rec.handler, random: () => 0, autoFlush: true }); // its start-up flush fails
    await w.clock.advance(0);
    expect(rec.calls).toHaveLength(0);
    expect(w.clock.timers()).toEqual([w.clock.now() + 1000]);
    await w.clock.advance(1000);
    expect(rec.payloads()).toEqual([[1]]);
  });
});
