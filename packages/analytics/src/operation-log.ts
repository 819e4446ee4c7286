import { STOWAGE_ERROR_CODES } from '@stowage/core';
import type { StowageErrorCode } from '@stowage/core';
import type { OperationLogEntry, Outcome } from './stats-types.js';

const OUTCOMES: readonly Outcome[] = ['ok', 'hit', 'miss', 'error'];
const outcomeIndex = (o: Outcome): number => (o === 'ok' ? 0 : o === 'hit' ? 1 : o === 'miss' ? 2 : 3);
const ERROR_INDEX = new Map(STOWAGE_ERROR_CODES.map((c, i) => [c, i + 1]));

/**
 * A fixed-size ring buffer of operations: the newest overwrite the oldest, memory never grows. It is
 * columnar (typed arrays, plus one array of key strings) rather than an array of entry objects:
 * recording then allocates nothing, and the garbage collector never has to move a thousand
 * long-lived entries out of the young generation — that churn was a measurable share of the
 * instrument() overhead. Entries are built only when read.
 */
export class OperationLog {
  readonly #cap: number;
  readonly #at: Float64Array;
  readonly #duration: Float64Array;
  /** NaN = not given. */
  readonly #size: Float64Array;
  readonly #count: Float64Array;
  readonly #op: Uint16Array;
  readonly #outcome: Uint8Array;
  /** 0 = none, else 1 + index in STOWAGE_ERROR_CODES. */
  readonly #error: Uint8Array;
  readonly #key: (string | undefined)[];
  readonly #opNames: string[] = [];
  readonly #opIndex = new Map<string, number>();
  #lastOp = '';
  #lastOpIndex = 0;
  #next = 0;
  #size_ = 0;

  constructor(capacity: number) {
    this.#cap = capacity;
    this.#at = new Float64Array(capacity);
    this.#duration = new Float64Array(capacity);
    this.#size = new Float64Array(capacity);
    this.#count = new Float64Array(capacity);
    this.#op = new Uint16Array(capacity);
    this.#outcome = new Uint8Array(capacity);
    this.#error = new Uint8Array(capacity);
    this.#key = new Array<string | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size_;
  }

  push(at: number, op: string, key: string | undefined, keys: number | undefined, size: number | undefined, durationMs: number, outcome: Outcome, error: StowageErrorCode | undefined): void {
    const i = this.#next;
    // Consecutive operations are often the same kind: skip the lookup then.
    let opi = op === this.#lastOp ? this.#lastOpIndex : this.#opIndex.get(op);
    if (opi === undefined) {
      // Operation names are bounded by the caller (analytics caps them), so this table stays small.
      opi = this.#opNames.push(op) - 1;
      this.#opIndex.set(op, opi);
    }
    this.#lastOp = op;
    this.#lastOpIndex = opi;
    this.#at[i] = at;
    this.#duration[i] = durationMs;
    this.#size[i] = size === undefined ? Number.NaN : size;
    this.#count[i] = keys === undefined ? Number.NaN : keys;
    this.#op[i] = opi;
    this.#outcome[i] = outcomeIndex(outcome);
    this.#error[i] = error === undefined ? 0 : (ERROR_INDEX.get(error) ?? 0);
    this.#key[i] = key;
    this.#next = i + 1 === this.#cap ? 0 : i + 1;
    if (this.#size_ < this.#cap) this.#size_++;
  }

  /** The latest `limit` entries, newest first. */
  latest(limit: number): OperationLogEntry[] {
    const n = Math.min(limit, this.#size_);
    const out: OperationLogEntry[] = [];
    for (let k = 1; k <= n; k++) {
      const i = (this.#next - k + this.#cap) % this.#cap;
      const e: OperationLogEntry = { at: this.#at[i]!, op: this.#opNames[this.#op[i]!]!, durationMs: this.#duration[i]!, outcome: OUTCOMES[this.#outcome[i]!]! };
      const key = this.#key[i];
      if (key !== undefined) e.key = key;
      if (!Number.isNaN(this.#count[i])) e.keys = this.#count[i]!;
      if (!Number.isNaN(this.#size[i])) e.size = this.#size[i]!;
      if (this.#error[i]) e.error = STOWAGE_ERROR_CODES[this.#error[i]! - 1]!;
      out.push(e);
    }
    return out;
  }

  clear(): void {
    this.#key.fill(undefined);
    this.#next = 0;
    this.#size_ = 0;
  }
}
