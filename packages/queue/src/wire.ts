import type { DeadRecord, EntryRecord, ErrorRecord } from './record.js';
import { errorRecord, fromErrorRecord, isDeadRecord, isEntryRecord, isErrorRecord, toDeadLetter, toEntry, toRecord } from './record.js';
import type { DeadRemovalReason, QueueEntry, QueueEvent } from './types.js';

/**
 * The cross-tab form of queue events: entries travel as stored records and errors as
 * `{ code, message }`, which is what BroadcastChannel can clone. A tab validates what it receives
 * (another tab may run another version) and drops anything it cannot read.
 */
type WireEntry = [id: string, record: EntryRecord];

type WireEvent =
  | { type: 'enqueued'; entry: WireEntry; replaced?: string }
  | { type: 'succeeded'; entries: WireEntry[] }
  | { type: 'retry-scheduled'; entry: WireEntry; delayMs: number; error?: ErrorRecord }
  | { type: 'superseded'; entry: WireEntry; by: string }
  | { type: 'removed'; entries: WireEntry[] }
  | { type: 'dead-lettered'; id: string; record: DeadRecord }
  | { type: 'dead-removed'; ids: string[]; reason: DeadRemovalReason }
  | { type: 'drained' };

/** A message on the queue's channel. */
export interface WireMessage {
  kind: 'stowage-queue';
  v: 1;
  event: WireEvent;
}

const wireEntry = (e: QueueEntry<unknown>): WireEntry => [e.id, toRecord(e)];

/** The message for a local event; `undefined` for events that stay in this tab (`error`). */
export function toWire(event: QueueEvent<unknown>): WireMessage | undefined {
  const wrap = (e: WireEvent): WireMessage => ({ kind: 'stowage-queue', v: 1, event: e });
  switch (event.type) {
    case 'enqueued':
      return wrap({ type: 'enqueued', entry: wireEntry(event.entry), ...(event.replaced ? { replaced: event.replaced } : {}) });
    case 'succeeded':
      return wrap({ type: 'succeeded', entries: event.entries.map(wireEntry) });
    case 'retry-scheduled':
      return wrap({ type: 'retry-scheduled', entry: wireEntry(event.entry), delayMs: event.delayMs, ...(event.error ? { error: errorRecord(event.error) } : {}) });
    case 'superseded':
      return wrap({ type: 'superseded', entry: wireEntry(event.entry), by: event.by });
    case 'removed':
      return wrap({ type: 'removed', entries: event.entries.map(wireEntry) });
    case 'dead-lettered': {
      const { letter } = event;
      const record: DeadRecord = { v: 1, entryId: letter.entry.id, entry: toRecord(letter.entry), error: errorRecord(letter.error), deadAt: letter.deadAt };
      return wrap({ type: 'dead-lettered', id: letter.id, record });
    }
    case 'dead-removed':
      return wrap({ type: 'dead-removed', ids: [...event.ids], reason: event.reason });
    case 'drained':
      return wrap({ type: 'drained' });
    case 'error':
      return undefined;
  }
}

const isWireEntry = (x: unknown): x is WireEntry => Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && isEntryRecord(x[1]);
const fromWireEntry = <T>([id, record]: WireEntry): QueueEntry<T> => toEntry<T>(id, record);

/** The event of another tab's message (source `remote`), or `undefined` when it is not one. */
export function fromWire<T>(message: unknown): QueueEvent<T> | undefined {
  const m = message as Partial<WireMessage> | null;
  if (typeof m !== 'object' || m === null || m.kind !== 'stowage-queue' || m.v !== 1 || typeof m.event !== 'object' || m.event === null) return undefined;
  const e = m.event as Record<string, unknown>;
  const source = 'remote' as const;
  switch (e.type) {
    case 'enqueued':
      if (!isWireEntry(e.entry) || (e.replaced !== undefined && typeof e.replaced !== 'string')) return undefined;
      return { type: 'enqueued', source, entry: fromWireEntry<T>(e.entry), ...(e.replaced ? { replaced: e.replaced as string } : {}) };
    case 'succeeded':
    case 'removed':
      if (!Array.isArray(e.entries) || !e.entries.every(isWireEntry)) return undefined;
      return { type: e.type, source, entries: (e.entries as WireEntry[]).map((w) => fromWireEntry<T>(w)) };
    case 'retry-scheduled': {
      if (!isWireEntry(e.entry) || typeof e.delayMs !== 'number') return undefined;
      if (e.error !== undefined && !isErrorRecord(e.error)) return undefined;
      const error = e.error === undefined ? undefined : fromErrorRecord(e.error);
      return { type: 'retry-scheduled', source, entry: fromWireEntry<T>(e.entry), delayMs: e.delayMs, ...(error ? { error } : {}) };
    }
    case 'superseded':
      if (!isWireEntry(e.entry) || typeof e.by !== 'string') return undefined;
      return { type: 'superseded', source, entry: fromWireEntry<T>(e.entry), by: e.by };
    case 'dead-lettered':
      if (typeof e.id !== 'string' || !isDeadRecord(e.record)) return undefined;
      return { type: 'dead-lettered', source, letter: toDeadLetter<T>(e.id, e.record) };
    case 'dead-removed':
      if (!Array.isArray(e.ids) || !e.ids.every((id) => typeof id === 'string')) return undefined;
      if (e.reason !== 'retried' && e.reason !== 'dropped' && e.reason !== 'retention') return undefined;
      return { type: 'dead-removed', source, ids: e.ids as string[], reason: e.reason };
    case 'drained':
      return { type: 'drained', source };
    default:
      return undefined;
  }
}
