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
  /** Emits a local event to subscribers and (except `error`) to other tabs. */
  emit(event: QueueEvent<T>): void;
}
