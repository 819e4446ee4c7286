export { createQueue } from './create-queue.js';
export type { BackoffOptions, QueueOptions } from './options.js';
export { backoffDelay } from './backoff.js';
export type {
  DeadLetter, DeadRemovalReason, EnqueueOptions, FlushReport, PreparedEntry, Queue, QueueEntry, QueueEvent, QueueHandler, QueueListener,
  QueueOutcome,
} from './types.js';
