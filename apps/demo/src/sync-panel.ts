import { toStowageError, type Stowage, type SyncEvent, type SyncStatus } from 'stowage';
import { DEMO } from './demo-config.js';
import { byTestId, element } from './dom.js';
import { errorNodes } from './explain-error.js';
import type { OnlineSwitch } from './online-switch.js';
import { mountSyncActivity } from './sync-activity.js';

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

const keys = (n: number): string => `${n} ${n === 1 ? 'key' : 'keys'}`;

/** Sets a count badge (`data-count` drives its colour and the specs). */
function setCount(badge: HTMLElement, n: number): void {
  badge.textContent = String(n);
  badge.dataset.count = String(n);
}

/**
 * Online/offline switch (the app's own `OnlinePort`, on top of the browser's), pending-changes
 * badge, last sync, the activity row (outbox drain n of m, Full sync by phase), conflicts as they
 * happen, dead letters with Retry, and the offline operation queue (a visit counter).
 */
export function mountSyncPanel(o: SyncPanelOptions): SyncPanel {
  const { root, online } = o;
  const el = (id: string): HTMLElement => byTestId(id, root);
  const onlineSwitch = byTestId<HTMLInputElement>('online-switch', root);
  const activity = mountSyncActivity(el('sync-activity'));
  const message = el('sync-message');
  let detach = (): void => undefined;

  if (!o.app().sync) {
    el('sync-state').textContent = 'cloud: off (start the demo with the emulator: npm start)';
    el('sync-state').dataset.state = 'local-only';
    for (const b of root.querySelectorAll('button, input')) (b as HTMLButtonElement).disabled = true;
  }

  const say = (text: string, state: 'ok' | 'error' = 'ok', kind = 'result'): void => {
    message.textContent = text;
    message.dataset.state = state;
    message.dataset.kind = kind;
  };
  const sayError = (err: unknown, context: string, kind = 'result'): void => {
    say('', 'error', kind);
    message.append(...errorNodes(toStowageError(err, context), context));
  };
  const show = (s: SyncStatus): void => {
    const state = el('sync-state');
    // `online` is only the browser's word; `reachable` is whether the cloud answered the last request.
    state.textContent = s.online ? (s.syncing ? 'online · syncing…' : s.reachable ? 'online' : 'online · cloud unreachable') : 'offline';
    state.dataset.state = s.online ? 'online' : 'offline';
    state.dataset.reachable = String(s.reachable);
    setCount(el('pending-badge'), s.pending);
    const last = el('last-sync');
    last.textContent = s.lastSyncAt ? new Date(s.lastSyncAt).toLocaleTimeString() : 'never';
    if (s.lastSyncAt) last.dataset.at = String(s.lastSyncAt);
    if (s.lastError) sayError(s.lastError, 'last sync attempt', 'last-error');
    // The error is over (a later success, or the outbox emptied): do not leave it on screen.
    else if (message.dataset.kind === 'last-error') say('');
    activity.status(s);
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
          const li = element('li', { 'data-testid': 'dead-letter', 'data-key': d.entry.payload.key });
          li.append(element('strong', {}, d.entry.payload.key), ' — ', ...errorNodes(d.error, 'push'), ' ');
          li.append(element('button', { type: 'button', 'data-testid': 'retry-dead', 'data-id': d.id }, 'Retry'));
          return li;
        }),
      );
      list.dataset.count = String(dead.length);
      setCount(el('ops-badge'), ops ?? 0);
    } catch {
      // A swap closed the old stowage mid-read; the next tick reads the new one.
    }
  };

  const onEvent = (e: SyncEvent): void => {
    switch (e.type) {
      case 'conflict': {
        const list = el('conflicts');
        const side = e.winner === 'local' ? 'this device’s edit kept' : e.winner === 'remote' ? 'the cloud’s edit kept' : 'both edits merged';
        list.prepend(element('li', { 'data-testid': 'conflict', 'data-key': e.key }, `${e.key}: changed here and elsewhere at once; ${side} (${e.winner} won)`));
        while (list.children.length > MAX_CONFLICTS) list.lastElementChild?.remove();
        break;
      }
      case 'progress':
        activity.event(e);
        break;
      case 'dead-lettered':
        say('', 'error');
        message.append(`The cloud refused "${e.key}" for good (listed under Refused changes): `, ...errorNodes(e.error, 'push'));
        break;
      case 'pushed':
      case 'pulled':
      case 'status':
      case 'error':
        break;
    }
    void refresh();
  };

  const run = (label: string, fn: (app: Stowage) => Promise<string>): Promise<void> => {
    say(`${label}…`);
    return fn(o.app()).then(
      (text) => {
        say(text);
        void refresh();
      },
      (err: unknown) => sayError(err, label),
    );
  };

  // The switch is the user's choice; the state line shows the effective value (switch AND browser).
  onlineSwitch.checked = !online.forcedOffline;
  onlineSwitch.addEventListener('change', () => online.forceOffline(!onlineSwitch.checked));
  online.subscribe(() => void refresh());

  root.addEventListener('click', (ev) => {
    const target = ev.target as HTMLElement;
    const id = target.dataset.testid;
    if (id === 'retry-dead') void run('retry', async (app) => `sent ${await app.sync!.retryDead([target.dataset.id as string])} refused change(s) again`);
    else if (id === 'sync-now') {
      activity.begin('sync now: pushing the outbox…');
      void run('sync', async (app) => {
        await app.sync!.flush();
        activity.step('sync now: pulling what changed in the cloud…');
        const text = `sync done: outbox pushed, ${keys(await app.sync!.pull())} updated from the cloud`;
        activity.end(text);
        return text;
      }).then(() => activity.end({ failed: `sync stopped: ${message.textContent ?? ''}` }));
    } else if (id === 'full-sync') {
      activity.begin('full sync: starting…');
      void run('full sync', async (app) => {
        const r = await app.sync!.fullSync();
        activity.end(`full sync done: ${keys(r.pulled)} updated from the cloud, ${r.pushed} local ${r.pushed === 1 ? 'key' : 'keys'} pushed`);
        return `full sync: pulled ${r.pulled}, pushed ${r.pushed}`;
      }).then(() => activity.end({ failed: `full sync stopped: ${message.textContent ?? ''}` }));
    } else if (id === 'visit-button') {
      void run('visit', async (app) => {
        await app.offlineQueue!.add({ type: 'increment', collection: DEMO.statsCollection, id: 'visits', data: { count: 1 } });
        return 'visit queued: it is added to the cloud counter exactly once, now or when back online';
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
