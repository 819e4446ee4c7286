import type { Layer, Operation, ScanEntry, StowageErrorCode } from '@stowage/core';
import type { Outcome } from './stats-types.js';
import { errorCode } from './error-code.js';

/**
 * The layer through which analytics times a storage: the kernel's `operation` stage, so every
 * method call, every step of a whole-namespace function (export, import, migrate, a sync engine's
 * `getRecord`/`applyRecords`) and every background write is recorded with its latency, outcome
 * and error code — nothing is forwarded by hand. Values and errors pass through untouched (the
 * stage hands back what `run` settled with).
 *
 * `skipKey` is the analytics' own persisted key when the stats live in this storage: persisting
 * them is not activity (it would be recorded, then persisted, forever).
 */
/** What the layer records into (the analytics): its clock, and one positional call per operation. */
export interface OperationSink {
  /** True while the analytics reads the storage itself (its own reads are not the app's). */
  readonly quiet: boolean;
  readonly timer: () => number;
  stamp(timerValue: number): number;
  recordOperation(
    at: number, op: string, key: string | undefined, keys: number | undefined, size: number | undefined, durationMs: number, outcome: Outcome,
    error: StowageErrorCode | undefined, reads: number, hits: number, readKeys?: readonly string[],
  ): void;
}

export function operationLayer(a: OperationSink, skipKey: string | undefined): Layer {
  const timer = a.timer;
  return {
    name: 'analytics',
    operation<T>(op: Operation, run: () => Promise<T>): Promise<T> {
      // Nor are a reserved space's writes (a sync engine's revisions and status, a queue's entries:
      // `reservedStore` names them `reserved …`): bookkeeping beside the data, not the app's operations.
      if (a.quiet || (skipKey !== undefined && op.key === skipKey) || op.name.startsWith('reserved ')) return run();
      const t0 = timer();
      // The hot path: two promise handlers, no other closure or array.
      return run().then(
        (v) => {
          done(a, op, t0, v);
          return v;
        },
        (e: unknown) => {
          const t1 = timer();
          a.recordOperation(a.stamp(t1), op.name, op.key, op.count ?? op.keys?.length, undefined, t1 - t0, 'error', errorCode(e), 0, 0);
          throw e;
        },
      );
    },
  };
}

/** Records a settled operation; reads count their keys, hits the keys found (from the result). */
function done(a: OperationSink, op: Operation, t0: number, v: unknown): void {
  const t1 = a.timer();
  const at = a.stamp(t1);
  const ms = t1 - t0;
  switch (op.name) {
    case 'get':
    case 'getRecord': // `undefined` is a miss: no stored value is `undefined` (defaults apply after this stage)
    case 'has': {
      const hit = op.name === 'has' ? v === true : v !== undefined;
      a.recordOperation(at, op.name, op.key, undefined, undefined, ms, hit ? 'hit' : 'miss', undefined, 1, hit ? 1 : 0);
      return;
    }
    case 'getMany':
    case 'readRecords': { // a sync engine's read of the keys it pushes or pulls, as one getMany
      const vs = v as readonly unknown[];
      const hits = vs.reduce((h: number, x) => (x === undefined ? h : h + 1), 0);
      a.recordOperation(at, op.name, undefined, vs.length, undefined, ms, 'ok', undefined, vs.length, hits, op.keys);
      return;
    }
    case 'scan': {
      const entries = v as readonly ScanEntry[];
      const hits = entries.reduce((h: number, e) => (e.error ? h : h + 1), 0);
      a.recordOperation(at, op.name, undefined, undefined, undefined, ms, 'ok', undefined, entries.length, hits, entries.map((e) => e.key));
      return;
    }
    default:
      a.recordOperation(at, op.name, op.key, op.count, op.size, ms, 'ok', undefined, 0, 0);
  }
}
