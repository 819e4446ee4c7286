import { isStowageError, memoryDriver } from '@stowage/core';
import { describe, expect, test } from 'vitest';
import { createQueue } from '../index.js';
import type { QueueOptions } from '../index.js';
import { fakeBus, fakeClock } from './helpers.js';

const base = (): QueueOptions<unknown> => ({
  driver: memoryDriver(),
  name: 'ops',
  handler: async () => [],
  clock: fakeClock(),
  broadcast: fakeBus(),
  autoFlush: false,
});

describe('createQueue options', () => {
  test.each<[string, Record<string, unknown>]>([
    ['options not an object', { __replace: 42 }],
    ['unknown option (typo)', { batchsize: 10 }],
    ['missing driver', { driver: undefined }],
    ['driver is not a Driver', { driver: {} }],
    ['empty name', { name: '' }],
    ['name with a slash (would nest inside another queue\'s keys)', { name: 'a/e' }],
    ['name too long', { name: 'x'.repeat(101) }],
    ['handler missing', { handler: undefined }],
    ['batchSize 0', { batchSize: 0 }],
    ['batchSize fractional', { batchSize: 1.5 }],
    ['batchSize as string', { batchSize: '10' }],
    ['maxEntries 0', { maxEntries: 0 }],
    ['maxEntries negative', { maxEntries: -1 }],
    ['maxDeadLetters NaN', { maxDeadLetters: Number.NaN }],
    ['clock without timers', { clock: { now: () => 0 } }],
    ['locks without tryRequest', { locks: { request: async () => undefined } }],
    ['random not a function', { random: 0.5 }],
    ['broadcast not a function', { broadcast: {} }],
    ['autoFlush not a boolean', { autoFlush: 'yes' }],
    ['backoff not an object', { backoff: 5 }],
    ['backoff.baseMs 0', { backoff: { baseMs: 0 } }],
    ['backoff.factor below 1 (delays would shrink)', { backoff: { factor: 0.5 } }],
    ['backoff.jitter above 1', { backoff: { jitter: 1.5 } }],
    ['backoff.maxMs below baseMs', { backoff: { baseMs: 5000, maxMs: 1000 } }],
    ['backoff.maxMs Infinity', { backoff: { maxMs: Infinity } }],
  ])('%s → invalid-argument', (_label, patch) => {
    const options = '__replace' in patch ? patch.__replace : { ...base(), ...patch };
    let error: unknown;
    try {
      createQueue(options as QueueOptions<unknown>);
    } catch (e) {
      error = e;
    }
    expect(isStowageError(error, 'invalid-argument')).toBe(true);
  });

  test('valid options create a queue; maxEntries and maxDeadLetters accept Infinity', async () => {
    const q = createQueue({ ...base(), maxEntries: Infinity, maxDeadLetters: Infinity, backoff: { baseMs: 10, maxMs: 10, jitter: 0, factor: 1 } });
    expect(q.name).toBe('ops');
    expect(q.paused).toBe(false);
    expect(await q.size()).toBe(0);
    await q.close();
  });

  test('subscribe() needs a function', async () => {
    const q = createQueue(base());
    expect(() => q.subscribe('nope' as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    await q.close();
  });
});
