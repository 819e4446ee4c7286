import { StowageError } from '@stowage/core';
import { describe, expect, test } from 'vitest';
import type { QueueEntry, QueueEvent } from '../index.js';
import { fromWire, toWire } from '../wire.js';

const entry: QueueEntry<{ n: number }> = {
  id: '0000000001-0000-abcdef01',
  payload: { n: 1 },
  scope: 'doc/1',
  coalesceKey: 'k',
  enqueuedAt: 10,
  attempts: 2,
  nextAttemptAt: 20,
  lastError: new StowageError('unavailable', 'offline'),
};

describe('cross-tab messages', () => {
  test('every event except `error` survives the trip (structured clone) with source "remote"', () => {
    const events: QueueEvent<{ n: number }>[] = [
      { type: 'enqueued', source: 'local', entry, replaced: 'old' },
      { type: 'succeeded', source: 'local', entries: [entry] },
      { type: 'retry-scheduled', source: 'local', entry, delayMs: 1500, error: new StowageError('aborted', 'timeout') },
      { type: 'superseded', source: 'local', entry, by: 'newer' },
      { type: 'removed', source: 'local', entries: [entry] },
      { type: 'dead-lettered', source: 'local', letter: { id: 'd1', entry, error: new StowageError('permission-denied', 'no'), deadAt: 30 } },
      { type: 'dead-removed', source: 'local', ids: ['d1'], reason: 'retention' },
      { type: 'drained', source: 'local' },
    ];
    for (const event of events) {
      const back = fromWire<{ n: number }>(structuredClone(toWire(event)));
      expect(back).toEqual({ ...event, source: 'remote' });
    }
    expect(toWire({ type: 'error', operation: 'flush', error: new StowageError('internal', 'x') })).toBeUndefined();
  });

  test('messages that are not queue events, or are malformed, are ignored', () => {
    const good = toWire({ type: 'enqueued', source: 'local', entry })!;
    const bad: unknown[] = [
      null,
      'hello',
      { kind: 'other', v: 1, event: good.event },
      { ...good, v: 2 },
      { ...good, event: { type: 'enqueued', entry: ['id', { v: 1 }] } },
      { ...good, event: { type: 'succeeded', entries: 'x' } },
      { ...good, event: { type: 'retry-scheduled', entry: (good.event as { entry: unknown }).entry, delayMs: 5, error: { code: 'nope', message: 'x' } } },
      { ...good, event: { type: 'dead-removed', ids: ['a'], reason: 'because' } },
      { ...good, event: { type: 'dead-lettered', id: 'd', record: {} } },
      { ...good, event: { type: 'mystery' } },
    ];
    for (const m of bad) expect(fromWire(m)).toBeUndefined();
  });
});
