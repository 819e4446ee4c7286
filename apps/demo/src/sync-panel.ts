import type { Stowage, SyncEvent, SyncStatus } from 'stowage';
import { DEMO } from './demo-config.js';
import { byTestId, element } from './dom.js';
import type { OnlineSwitch } from './online-switch.js';

/** Options of {@link mountSyncPanel}. */
export interface SyncPanelOptions {
  root: HTMLElement;
  /** The current stowage (replaced on unlock). */
  app: () => Stowage;
  online: OnlineSwitch;
  /** Called whenever the pending count is known (the page registers Background Sync with it). */
  onPending?: (pending: number) => void;
}

/** The sync panel; `refresh()` re-reads status, dead letters and the operation queue. */
export interface SyncPanel {
  refresh(): Promise<void>;
  /** Starts listening to a (new) stowage's sync events. */
  attach(app: Stowage): void;
}

const MAX_CONFLICTS = 20;

/**
 * Online/offline switch (the app's own `OnlinePort`, on top of the browser's), pending-writes badge,
 * last sync, conflicts as they happen, dead letters with Retry, the offline operation queue (a visit
 * counter), and Full sync with a progress bar.
 */
export function mountSyncPanel(o: SyncPanelOptions): SyncPanel {
  const { root, online } = o;
  const el = (id: string): HTMLElement => byTestId(id, root);
  const onlineSwitch = byTestId<HTMLInputElement>('online-switch', root);
  const progress = byTestId<HTMLProgressElement>('sync-progress', root);
  const message = el('sync-message');
  let detach = (): void => undefined;

  if (!o.app().sync) {
    el('sync-state').textContent = 'cloud: off (start the demo with the emulator: pnpm start)';
    el('sync-state').dataset.state = 'local-only';
    for (const b of root.querySelectorAll('button, input')) (b as HTMLButtonElement).disabled = true;
  }

  const say = (text: string, state: 'ok' | 'error' = 'ok'): void => {
    message.textContent = text;
    message.dataset.state = state;
  };
  const show = (s: SyncStatus): void => {
    const state = el('sync-state');
    // `online` is only the browser's word; `reachable` is whether the cloud answered the last request.
    state.textContent = s.online ? (s.syncing ? 'online · syncing…' : s.reachable ? 'online' : 'online · cloud unreachable') : 'offline';
    state.dataset.state = s.online ? 'online' : 'offline';
    state.dataset.reachable = String(s.reachable);
    const badge = el('pending-badge');
    badge.textContent = String(s.pending);
    badge.dataset.count = String(s.pending);
    const last = el('last-sync');
    last.textContent = s.lastSyncAt ? new Date(s.lastSyncAt).toLocaleTimeString() : 'never';
    if (s.lastSyncAt) last.dataset.at = String(s.lastSyncAt);
    if (s.lastError) say(`last error: ${s.lastError.code}: ${s.lastError.message}`, 'error');
    // The error is over (a later success, or the outbox emptied): do not leave it on screen.
    else if (message.textContent?.startsWith('last error: ')) say('');
    o.onPending?.(s.pending);
  };

  const refresh = async (): Promise<void> => {
    const app = o.app();
    if (!app.sync) return;
    try {
      const [status, dead, ops] = await Promise.all([app.sync.status(), app.sync.deadLetters(), app.offlineQueue?.size()]);
      show(status);
      const list = el('dead-letters');
      list.replaceChildren(
        ...dead.map((d) => {
          const li = element('li', { 'data-testid': 'dead-letter', 'data-key': d.entry.payload.key }, `${d.entry.payload.key} — ${d.error.code}: ${d.error.message} `);
          li.append(element('button', { type: 'button', 'data-testid': 'retry-dead', 'data-id': d.id }, 'Retry'));
          return li;
        }),
      );
      list.dataset.count = String(dead.length);
      const opsBadge = el('ops-badge');
      opsBadge.textContent = String(ops ?? 0);
      opsBadge.dataset.count = String(ops ?? 0);
    } catch {
      // A swap closed the old stowage mid-read; the next tick reads the new one.
    }
  };

  const onEvent = (e: SyncEvent): void => {
    switch (e.type) {
      case 'conflict': {
        const list = el('conflicts');
        list.prepend(element('li', { 'data-testid': 'conflict', 'data-key': e.key }, `${e.key}: ${e.winner} won`));
        while (list.children.length > MAX_CONFLICTS) list.lastElementChild?.remove();
        break;
      }
      case 'progress':
        // A phase with nothing to do is complete, not stuck at 0 %.
        progress.max = Math.max(1, e.progress.total);
        progress.value = e.progress.total === 0 ? progress.max : e.progress.done;
        progress.dataset.phase = e.progress.phase;
        break;
      case 'dead-lettered':
        say(`dead-lettered ${e.key}: ${e.error.code}`, 'error');
        break;
      case 'pushed':
      case 'pulled':
      case 'status':
      case 'error':
        break;
    }
    void refresh();
  };

  const run = (label: string, fn: (app: Stowage) => Promise<string>): void => {
    say(`${label}…`);
    fn(o.app()).then(
      (text) => {
        say(text);
        void refresh();
      },
      (err: unknown) => say(`${label} failed: ${(err as { code?: string }).code ?? ''} ${(err as Error).message}`, 'error'),
    );
  };

  // The switch is the user's choice; the state line shows the effective value (switch AND browser).
  onlineSwitch.checked = !online.forcedOffline;
  onlineSwitch.addEventListener('change', () => online.forceOffline(!onlineSwitch.checked));
  online.subscribe(() => void refresh());

  root.addEventListener('click', (ev) => {
    const target = ev.target as HTMLElement;
    const id = target.dataset.testid;
    if (id === 'retry-dead') run('retry', async (app) => `re-queued ${await app.sync!.retryDead([target.dataset.id as string])} dead letter(s)`);
    else if (id === 'sync-now') run('sync', async (app) => (await app.sync!.flush(), `pulled ${await app.sync!.pull()} change(s)`));
    else if (id === 'full-sync') {
      run('full sync', async (app) => {
        progress.value = 0;
        const r = await app.sync!.fullSync();
        progress.dataset.done = 'true';
        return `full sync: pulled ${r.pulled}, pushed ${r.pushed}`;
      });
    } else if (id === 'visit-button') {
      run('visit', async (app) => {
        await app.offlineQueue!.add({ type: 'increment', collection: DEMO.statsCollection, id: 'visits', data: { count: 1 } });
        return 'visit queued';
      });
    }
  });

  return {
    refresh,
    attach(app) {
      detach();
      const offs = [app.sync?.subscribe(onEvent), app.offlineQueue?.subscribe(() => void refresh())];
      detach = () => offs.forEach((off) => off?.());
      void refresh();
    },
  };
}
