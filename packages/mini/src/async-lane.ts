/**
 * Orders the async API's calls as the platform's queue does, so each sees exactly the writes issued
 * before it and none issued after — `setStorage`, `getStorage`, `removeStorage` in one tick: the read
 * finds the value — while writes issued back to back still reach the Storage in the same tick (one
 * transaction, by its auto-batching). A read waits for the writes issued before it; a write issued
 * while reads are pending waits for them.
 */
export class AsyncLane {
  readonly #writes = new Set<Promise<void>>();
  readonly #reads = new Set<Promise<void>>();

  /** Runs `fn` once every write issued before it has settled. */
  read<T>(fn: () => Promise<T>): Promise<T> {
    return this.#run(this.#reads, this.#writes, fn);
  }

  /** Runs `fn` (the write's issue) once every read issued before it has settled: at once when none is pending. */
  write<T>(fn: () => Promise<T>): Promise<T> {
    return this.#run(this.#writes, this.#reads, fn);
  }

  #run<T>(mine: Set<Promise<void>>, after: Set<Promise<void>>, fn: () => Promise<T>): Promise<T> {
    const before = [...after];
    const p = before.length === 0 ? fn() : Promise.allSettled(before).then(fn);
    const settled = p.then(() => undefined, () => undefined);
    mine.add(settled);
    void settled.then(() => mine.delete(settled));
    return p;
  }
}
