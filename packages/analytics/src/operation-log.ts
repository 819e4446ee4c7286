import type { OperationLogEntry } from './stats-types.js';

/** A fixed-size ring buffer of log entries: the newest overwrite the oldest, memory never grows. */
export class OperationLog {
  readonly #slots: (OperationLogEntry | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#slots = new Array<OperationLogEntry | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(entry: OperationLogEntry): void {
    this.#slots[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#slots.length;
    if (this.#size < this.#slots.length) this.#size++;
  }

  /** The latest `limit` entries, newest first. */
  latest(limit: number): OperationLogEntry[] {
    const n = Math.min(limit, this.#size);
    const cap = this.#slots.length;
    const out: OperationLogEntry[] = [];
    for (let i = 1; i <= n; i++) out.push(this.#slots[(this.#next - i + cap) % cap] as OperationLogEntry);
    return out;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
