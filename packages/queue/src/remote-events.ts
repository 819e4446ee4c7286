import type { CoalesceIndex } from './coalesce-index.js';
import type { FlushScheduler } from './scheduler.js';
import type { QueueEvent } from './types.js';

/**
 * What a tab does when another tab reports an event: keep its coalescing index current, and make
 * sure someone flushes — the reporting tab may be the one flushing, or about to go away.
 */
export function followRemote<T>(event: QueueEvent<T>, index: CoalesceIndex, scheduler: Pick<FlushScheduler, 'kick' | 'wakeAt'>): void {
  switch (event.type) {
    case 'enqueued':
      index.note(event.entry);
      scheduler.kick(); // a lock attempt settles who flushes it
      break;
    case 'succeeded':
    case 'removed':
      for (const e of event.entries) index.forget(e);
      break;
    case 'superseded':
      index.forget(event.entry);
      break;
    case 'dead-lettered':
      index.forget(event.letter.entry);
      break;
    case 'retry-scheduled':
      // Be ready to take over if the flushing tab goes away before the retry is due.
      scheduler.wakeAt(event.entry.nextAttemptAt);
      break;
    case 'dead-removed':
      if (event.reason === 'retried') scheduler.kick();
      break;
    case 'drained':
    case 'error':
      break;
  }
}
