/** Request counters, per RPC. Counted on arrival, before any injected fault. */
export interface EmulatorStats {
  /** Every RPC request received. */
  total: number;
  /** Per RPC name (`commit`, `batchGet`, `runQuery`, `runAggregationQuery`, …). */
  byRpc: Record<string, number>;
  /** Requests answered with an injected error. */
  faulted: number;
  /** Commits applied whose answer was dropped on purpose. */
  lostAcks: number;
}

/** A zeroed {@link EmulatorStats}, listing the four RPCs the Lite SDK uses. */
export function emptyStats(): EmulatorStats {
  return { total: 0, byRpc: { commit: 0, batchGet: 0, runQuery: 0, runAggregationQuery: 0 }, faulted: 0, lostAcks: 0 };
}
