import type { StowageError } from './errors.js';
import { reportError } from './report-error.js';

/** Where a change event came from: this storage instance, or another tab / instance on the same store. */
export type EventSource = 'local' | 'remote';

/** Change and lifecycle events of a storage namespace (switch on `type`). */
export type StorageEvent =
  | { type: 'set'; key: string; source: EventSource; size: number; updatedAt: number; expiresAt?: number }
  | { type: 'remove'; key: string; source: EventSource; reason: 'removed' | 'expired' }
  | { type: 'clear'; source: EventSource }
  | { type: 'import'; source: EventSource; mode: 'merge' | 'replace'; count: number }
  | { type: 'fallback'; from: string; to: string; error: StowageError }
  | { type: 'error'; operation: string; error: StowageError };

/** A subscriber; exceptions it throws are isolated from the storage and from other subscribers. */
export type StorageListener = (event: StorageEvent) => void;

/** A tiny synchronous emitter that never lets one listener break another. */
export class Emitter<E> {
  #listeners = new Set<(event: E) => void>();

  subscribe(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: E): void {
    for (const l of [...this.#listeners]) {
      try {
        l(event);
      } catch (err) {
        // Visible in the console (and to error monitoring) without aborting the write path.
        reportError(err);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}
