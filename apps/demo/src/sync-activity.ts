import type { SyncEvent, SyncStatus } from 'stowage';
import { createDrainTracker } from './outbox-drain.js';
import { mountProgress } from './progress-view.js';

/** The sync panel's activity row: the outbox draining ("n of m pushed") and Full sync, each to its end state. */
export interface SyncActivity {
  /** Feeds a fresh `status()` (the drain is computed from its pending count). */
  status(s: SyncStatus): void;
  /** Feeds the engine's `progress` events (full sync). */
  event(e: SyncEvent): void;
  /** Full sync starts: it owns the row until {@link SyncActivity.fullSyncEnded}. */
  fullSyncStarted(): void;
  fullSyncEnded(result: { pulled: number; pushed: number } | { failed: string }): void;
}

const changes = (n: number): string => `${n} ${n === 1 ? 'change' : 'changes'}`;

/**
 * Binds the activity row `root` (it holds the `<progress data-testid="sync-progress">`, which keeps
 * `data-phase` and `data-done` for the specs). The drain is shown from the pending count, whoever
 * empties the outbox (this tab, another tab, the service worker).
 */
export function mountSyncActivity(root: HTMLElement): SyncActivity {
  const view = mountProgress(root);
  const bar = root.querySelector('progress') as HTMLProgressElement;
  const drain = createDrainTracker();
  let fullSync = false;
  let draining = false;
  return {
    status(s) {
      const d = drain(s.pending, s.online && s.reachable);
      // Full sync flushes the outbox itself and reports its own phases; the drain just keeps count.
      if (fullSync || d.phase === 'idle') return;
      if (!draining) {
        draining = true;
        view.start('');
      }
      if (d.phase === 'done') {
        draining = false;
        view.done(`pushed ${changes(d.total)} to the cloud; nothing waiting`);
        return;
      }
      const why = s.online ? 'the cloud does not answer; retrying' : 'offline; they go when the app is back online';
      view.update(d.phase === 'waiting' ? `${changes(d.total - d.done)} waiting to be pushed (${why})` : `pushing to the cloud: ${d.done} of ${changes(d.total)}`, d.done, d.total);
    },
    event(e) {
      if (e.type !== 'progress' || !fullSync) return;
      const p = e.progress;
      bar.dataset.phase = p.phase;
      // The pull's total is unknown until it ends (pages of documents): count up, bar moving.
      if (p.phase === 'pull') view.update(`full sync, step 1 of 2: pulling every remote document… ${p.done} so far`);
      else view.update(`full sync, step 2 of 2: pushing local keys the cloud lacks: ${p.done} of ${p.total}`, p.done, p.total);
    },
    fullSyncStarted() {
      fullSync = true;
      draining = false;
      delete bar.dataset.done;
      view.start('full sync: starting…');
    },
    fullSyncEnded(r) {
      fullSync = false;
      if ('failed' in r) {
        view.fail(`full sync stopped: ${r.failed}`);
        return;
      }
      bar.dataset.done = 'true';
      view.done(`full sync done: ${r.pulled} keys updated from the cloud, ${r.pushed} local keys pushed`);
    },
  };
}
