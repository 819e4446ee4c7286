import type { SyncEvent, SyncStatus } from 'stowage';
import { createDrainTracker } from './outbox-drain.js';
import { mountProgress } from './progress-view.js';

/** The sync panel's activity row: the outbox draining ("n of m pushed"), Sync now and Full sync (by phase), each to its end state. */
export interface SyncActivity {
  /** Feeds a fresh `status()` (the drain is computed from its pending count). */
  status(s: SyncStatus): void;
  /** Feeds the engine's `progress` events (full sync). */
  event(e: SyncEvent): void;
  /** An explicit action (Sync now, Full sync) starts: it owns the row until {@link SyncActivity.end}; the drain only keeps count meanwhile. */
  begin(text: string): void;
  /** What the explicit action does now. */
  step(text: string): void;
  /** The explicit action's end state: its result, or why it stopped. Only the first call after {@link SyncActivity.begin} counts. */
  end(result: string | { failed: string }): void;
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
  let explicit = false;
  let draining = false;
  return {
    status(s) {
      const d = drain(s.pending, s.online && s.reachable);
      // Sync now and Full sync flush the outbox themselves and say so; the drain just keeps count.
      if (explicit || d.phase === 'idle') return;
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
      if (e.type !== 'progress' || !explicit) return;
      const p = e.progress;
      bar.dataset.phase = p.phase;
      // The pull's total is unknown until it ends (pages of documents): count up, bar moving.
      if (p.phase === 'pull') view.update(`full sync, step 1 of 2: pulling every remote document… ${p.done} so far`);
      else view.update(`full sync, step 2 of 2: pushing local keys the cloud lacks: ${p.done} of ${p.total}`, p.done, p.total);
    },
    begin(text) {
      explicit = true;
      draining = false;
      delete bar.dataset.done;
      view.start(text);
    },
    step(text) {
      if (explicit) view.update(text);
    },
    end(r) {
      // The first end wins: the panel calls end() with a failure after every run, successful or not.
      if (!explicit) return;
      explicit = false;
      if (typeof r !== 'string') {
        view.fail(r.failed);
        return;
      }
      bar.dataset.done = 'true';
      view.done(r);
    },
  };
}
