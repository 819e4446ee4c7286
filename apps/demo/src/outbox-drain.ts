/** Where the outbox is, for "n of m pushed" (see {@link createDrainTracker}). */
export interface DrainState {
  /** `idle`: nothing pending since the page opened or the last drain ended; `waiting`: pending but cannot push (offline, cloud unreachable); `pushing`; `done`: the outbox just became empty. */
  phase: 'idle' | 'waiting' | 'pushing' | 'done';
  /** Changes delivered in this drain. */
  done: number;
  /** Changes in this drain: delivered + still pending (grows when writes arrive meanwhile). */
  total: number;
}

/**
 * Turns the outbox's pending count, sampled over time, into a drain's progress: `status()` gives
 * only how many keys are left, and the outbox may be emptied by this tab, another tab or the
 * service worker alike, so delivered = the sum of the count's drops since it was last empty, and
 * total = delivered + pending. A rise (new writes) grows the total, never the delivered count.
 */
export function createDrainTracker(): (pending: number, canPush: boolean) => DrainState {
  let delivered = 0;
  let last = 0;
  return (pending, canPush) => {
    if (pending < last) delivered += last - pending;
    last = pending;
    if (pending > 0) return { phase: canPush ? 'pushing' : 'waiting', done: delivered, total: delivered + pending };
    if (delivered === 0) return { phase: 'idle', done: 0, total: 0 };
    const state: DrainState = { phase: 'done', done: delivered, total: delivered };
    delivered = 0;
    return state;
  };
}
