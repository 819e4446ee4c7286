/**
 * Orders every write of a storage instance and coalesces the writes issued in one tick into one
 * flush (one driver transaction). Work starts (e.g. encoding) when a unit is submitted, so a slow
 * encryption of one value overlaps with others; the flush then waits for all of them and commits
 * in call order. Exclusive operations (clear, import, sweeps) run between flushes, in order.
 */
export class WriteQueue<U> {
  #open: U[] | undefined;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  readonly #flush: (units: U[]) => Promise<void>;

  /** `flush` must settle every unit itself and never reject. */
  constructor(flush: (units: U[]) => Promise<void>) {
    this.#flush = flush;
  }

  /** Adds a unit to the batch of the current tick. */
  submit(unit: U): void {
    if (!this.#open) {
      const batch: U[] = [];
      this.#open = batch;
      queueMicrotask(() => this.#close(batch));
    }
    this.#open.push(unit);
  }

  #close(batch: U[]): void {
    if (this.#open !== batch) return; // already closed by an exclusive operation
    this.#open = undefined;
    this.#chain(() => this.#flush(batch));
  }

  #chain<T>(fn: () => Promise<T>): Promise<T> {
    this.#pending++;
    const run = this.#tail.then(fn);
    this.#tail = run.then(
      () => {
        this.#pending--;
      },
      () => {
        this.#pending--;
      },
    );
    return run;
  }

  /** Runs `fn` after every write submitted so far, and before any submitted later. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#open) this.#close(this.#open);
    return this.#chain(fn);
  }

  /** Whether writes are waiting or running. */
  get busy(): boolean {
    return this.#pending > 0 || this.#open !== undefined;
  }

  /** Resolves once every write submitted so far has settled. */
  idle(): Promise<void> {
    if (this.#open) this.#close(this.#open);
    return this.#tail;
  }
}
