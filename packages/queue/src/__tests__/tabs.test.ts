import { afterEach, describe, expect, test } from 'vitest';
import type { QueueEntry, QueueOutcome } from '../index.js';
import { collect, deferred, recordingHandler, settle, world } from './helpers.js';
import type { World } from './helpers.js';

let w: World;
afterEach(async () => {
  await w.closeAll();
});

/** A handler shared by two "tabs" that records how many batches ran at once. */
function concurrencyProbe() {
  const gate = deferred();
  const state = { active: 0, max: 0, batches: [] as string[][] };
  const handler = (tab: string) => async (entries: readonly QueueEntry<string>[]): Promise<QueueOutcome[]> => {
    state.active++;
    state.max = Math.max(state.max, state.active);
    state.batches.push([tab, ...entries.map((e) => e.payload)]);
    await gate.promise;
    state.active--;
    return entries.map(() => ({ status: 'done' }));
  };
  return { gate, state, handler };
}

describe('two tabs on one store', () => {
  test('only one tab flushes at a time; the other skips, and the flusher delivers the other tab\'s entries too', async () => {
    w = world();
    const probe = concurrencyProbe();
    const a = w.queue<string>({ handler: probe.handler('A') });
    const b = w.queue<string>({ handler: probe.handler('B') });
    await a.enqueue('a1');
    const flushA = a.flush();
    await w.clock.advance(0);
    await b.enqueue('b1'); // written while A is in flight
    expect(await b.flush()).toEqual({ ran: false, handled: 0 });
    probe.gate.resolve();
    await flushA;
    // b1's broadcast made A flush once more, so B's entry went out through A.
    await w.clock.advance(0);
    expect(probe.state.max).toBe(1);
    expect(probe.state.batches).toEqual([['A', 'a1'], ['A', 'b1']]);
    expect(await b.size()).toBe(0);
  });

  test('a tab that found the lock taken looks again after baseMs (the holder may end without seeing its entry)', async () => {
    w = world();
    const rec = recordingHandler<string>();
    // Another tab holds the flush lock and goes away without reading the store again (e.g. it crashed).
    const release = deferred();
    const held = w.locks.request('stowage:queue:memory:default:ops', () => release.promise);
    const b = w.queue<string>({ handler: rec.handler, broadcast: () => undefined, autoFlush: true });
    await b.enqueue('b1');
    await w.clock.advance(0);
    expect(rec.calls).toHaveLength(0);
    expect(w.clock.timers()).toEqual([w.clock.now() + 1000]);
    release.resolve();
    await held;
    await w.clock.advance(999);
    expect(rec.calls).toHaveLength(0);
    await w.clock.advance(1);
    expect(rec.payloads()).toEqual([['b1']]);
  });

  test('other tabs see events with source "remote"', async () => {
    w = world();
    const a = w.queue<string>({ handler: recordingHandler<string>((e) => (e.payload === 'bad' ? { status: 'dead', error: new Error('x') } : { status: 'done' })).handler });
    const b = w.queue<string>({ handler: recordingHandler<string>().handler });
    const seen = collect(b);
    const entry = await a.enqueue('ok');
    await a.enqueue('bad');
    await a.flush();
    await w.clock.advance(0);
    expect(seen.map((e) => [e.type, 'source' in e ? e.source : '-'])).toEqual([
      ['enqueued', 'remote'],
      ['enqueued', 'remote'],
      ['succeeded', 'remote'],
      ['dead-lettered', 'remote'],
      ['drained', 'remote'],
    ]);
    expect(seen[0]).toMatchObject({ entry: { id: entry.id, payload: 'ok' } });
    expect(seen[3]).toMatchObject({ letter: { entry: { payload: 'bad' }, error: { code: 'internal' } } });
  });

  test('a tab coalesces over an entry another tab enqueued', async () => {
    w = world();
    const a = w.queue<string>({ handler: recordingHandler<string>().handler });
    const b = w.queue<string>({ handler: recordingHandler<string>().handler });
    const first = await a.enqueue('v1', { coalesceKey: 'k' });
    await w.clock.advance(0); // B hears about it
    const second = await b.enqueue('v2', { coalesceKey: 'k' });
    expect(second).toMatchObject({ coalesceKey: 'k' });
    expect((await a.list()).map((e) => e.payload)).toEqual(['v2']);
    expect(first.id < second.id).toBe(true);
  });

  test('another tab replacing an entry that is in flight here never resurrects it when it comes back as retry', async () => {
    w = world();
    const gate = deferred();
    const rec = recordingHandler<string>(async (e) => {
      if (e.payload !== 'v1') return { status: 'done' };
      await gate.promise;
      return { status: 'retry' };
    });
    const a = w.queue<string>({ handler: rec.handler });
    const b = w.queue<string>({ handler: recordingHandler<string>().handler });
    await a.enqueue('v1', { coalesceKey: 'k' });
    await w.clock.advance(0);
    const events = collect(a);
    const flushA = a.flush();
    await w.clock.advance(0);
    const v2 = await b.enqueue('v2', { coalesceKey: 'k' }); // B cannot know v1 is in flight in A, and deletes it
    await w.clock.advance(0);
    gate.resolve();
    await flushA;
    expect(rec.payloads()).toEqual([['v1'], ['v2']]);
    // A learnt of v2 from B's broadcast, so the stale v1 is dropped rather than written back for a retry.
    expect(events.filter((e) => e.type !== 'enqueued').map((e) => e.type)).toEqual(['superseded', 'succeeded', 'drained']);
    expect(events.find((e) => e.type === 'superseded')).toMatchObject({ by: v2.id });
    expect(await a.size()).toBe(0);
  });

  test('a tab takes over the retries of a tab that went away', async () => {
    w = world();
    const a = w.queue<string>({ handler: recordingHandler<string>(() => ({ status: 'retry' })).handler, random: () => 0, autoFlush: true });
    const recB = recordingHandler<string>();
    const b = w.queue<string>({ handler: recB.handler, autoFlush: true });
    await a.enqueue('x');
    await w.clock.advance(0); // A fails once: retry in 1 s. B tried too but found the lock taken.
    await a.close(); // the tab is closed before the retry is due
    await w.clock.advance(1000);
    expect(recB.payloads()).toEqual([['x']]);
    expect(await b.size()).toBe(0);
  });
});

describe('exclusive()', () => {
  test('runs alone: another tab\'s flush skips while it runs, this tab\'s flush waits for it, then both deliver', async () => {
    w = world();
    const rec = recordingHandler<string>();
    const a = w.queue<string>({ handler: rec.handler });
    const b = w.queue<string>({ handler: rec.handler });
    await a.enqueue('a1');
    const release = deferred();
    let inside = false;
    const held = a.exclusive(async () => {
      inside = true;
      await release.promise;
      inside = false;
      return 'done';
    });
    await w.clock.advance(0);
    expect(inside).toBe(true);
    expect(await b.flush()).toEqual({ ran: false, handled: 0 }); // the lock is taken
    let flushedA = false;
    const flushA = a.flush().then((r) => ((flushedA = true), r));
    await w.clock.advance(0);
    expect(flushedA).toBe(false); // waits for its own tab's exclusive run instead of skipping
    expect(rec.calls).toHaveLength(0);
    release.resolve();
    expect(await held).toBe('done');
    expect(await flushA).toEqual({ ran: true, handled: 1 });
    expect(rec.calls.flat().map((e) => e.payload)).toEqual(['a1']);
  });

  test('rejects with closed after close()', async () => {
    w = world();
    const q = w.queue<string>({ handler: recordingHandler<string>().handler });
    await q.close();
    await expect(q.exclusive(async () => 1)).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('entries removed in the caller\'s own batch (removeOps + removed)', () => {
  test('are gone from the store for every tab, never delivered, and the other tabs\' coalescing index forgets them', async () => {
    w = world();
    const rec = recordingHandler<string>();
    const a = w.queue<string>({ handler: rec.handler });
    const b = w.queue<string>({ handler: rec.handler });
    const seenByA = collect(a);
    const entry = await a.enqueue('moot', { coalesceKey: 'k' });
    await settle();
    expect(b.latest('k')).toBe(entry.id); // B learnt of it from A's broadcast
    // B removes it together with a write of its own, in one batch (as a sync pull does).
    await w.driver.batch([{ type: 'put', key: 'data', value: 1 }, ...b.removeOps([entry])]);
    b.removed([entry]);
    await settle();
    expect(await a.list()).toEqual([]);
    expect(a.latest('k')).toBeUndefined();
    expect(b.latest('k')).toBeUndefined();
    expect(seenByA.some((e) => e.type === 'removed' && e.source === 'remote' && e.entries[0]?.id === entry.id)).toBe(true);
    await a.flush();
    await b.flush();
    expect(rec.calls).toHaveLength(0);
  });
});

describe('remove(entries)', () => {
  test('deletes them in a batch of its own and tells the other tabs; the rest stay', async () => {
    w = world();
    const a = w.queue<string>({ handler: recordingHandler<string>().handler });
    const b = w.queue<string>({ handler: recordingHandler<string>().handler });
    const seenByB = collect(b);
    const keep = await a.enqueue('keep');
    const drop = await a.enqueue('drop');
    await a.remove([drop]);
    await settle();
    expect((await b.list()).map((e) => e.id)).toEqual([keep.id]);
    expect(seenByB.some((e) => e.type === 'removed' && e.entries[0]?.id === drop.id)).toBe(true);
  });
});

describe('a tab whose clock is behind another\'s', () => {
  test('an entry that replaces another tab\'s sorts after it, so neither tab takes the older one for the newer (the simulator found this)', async () => {
    w = world();
    const rec = recordingHandler<string>((_e, call) => (call === 1 ? { status: 'retry' } : { status: 'done' }));
    const a = w.queue<string>({ handler: rec.handler });
    // B's clock stands 5 ms behind A's: its ids of a later moment would sort before A's.
    const behind = { now: () => w.clock.now() - 5, setTimeout: w.clock.setTimeout, clearTimeout: w.clock.clearTimeout };
    const b = w.queue<string>({ handler: rec.handler, clock: behind });
    await b.size(); // B has read the store already: it learns of A's entry from A's broadcast
    await w.clock.advance(1);
    const first = await a.enqueue('first', { coalesceKey: 'k' });
    await settle();
    await w.clock.advance(1);
    const second = await b.enqueue('second', { coalesceKey: 'k' }); // replaces A's entry
    await settle();
    expect(second.id > first.id).toBe(true);
    await a.flush(); // delivers 'second'; the handler asks for a retry
    await w.clock.advance(60_000);
    await a.flush();
    expect(rec.payloads()).toEqual([['second'], ['second']]);
    expect(await a.size()).toBe(0);
  });
});
