import type { CoalesceIndex } from './coalesce-index.js';
import type { QueueKeys, SeqGenerator } from './keys.js';
import type { ResolvedOptions } from './options.js';
import type { QueueEvent } from './types.js';

/** The state a queue's parts share (internal). */
export interface QueueContext<T> {
  readonly options: ResolvedOptions<T>;
  readonly keys: QueueKeys;
  readonly seq: SeqGenerator;
  readonly index: CoalesceIndex;
  /** Ids handed to the handler whose outcome is not committed yet. */
  readonly inFlight: Set<string>;
  /**
   * Entries the next batch may hold: `options.batchSize`, halved after each batch the handler
   * failed as a whole with a retryable error, doubled back after each batch it took.
   */
  batchLimit: number;
  /** Emits a local event to subscribers and (except `error`) to other tabs. */
  emit(event: QueueEvent<T>): void;
}
