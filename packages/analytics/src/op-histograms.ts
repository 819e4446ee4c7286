import { LatencyHistogram } from './latency-histogram.js';

/** Distinct operation names with their own histogram; more share `other`, so memory stays bounded. */
const MAX_OPS = 64;

/**
 * Finds the latency histogram of an operation in the current delta: at most {@link MAX_OPS} names
 * (`names`, shared with the persisted state), the rest under `other`. Runs of the same operation
 * skip the lookups — the common case, and a visible share of the recording cost.
 */
export class OpHistograms {
  readonly #names: Set<string>;
  #lastOp = '';
  #lastOps: Map<string, LatencyHistogram> | undefined;
  #lastHistogram: LatencyHistogram | undefined;

  constructor(names: Set<string>) {
    this.#names = names;
  }

  /** The histogram of `op` in `ops` (the delta's map, replaced after each persisted write). */
  of(ops: Map<string, LatencyHistogram>, op: string): LatencyHistogram {
    if (op === this.#lastOp && ops === this.#lastOps && this.#lastHistogram) return this.#lastHistogram;
    const names = this.#names;
    const name = names.has(op) || names.size < MAX_OPS - 1 ? op : 'other';
    names.add(name);
    let h = ops.get(name);
    if (h === undefined) ops.set(name, (h = new LatencyHistogram()));
    this.#lastOp = op;
    this.#lastOps = ops;
    this.#lastHistogram = h;
    return h;
  }
}
