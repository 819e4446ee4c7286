import { Workbox } from 'workbox-window';
import { DEMO } from './demo-config.js';

/** The page's link to its service worker. */
export interface ServiceWorkerLink {
  /** Registers the Background Sync tag when writes are pending (the worker flushes them after the tab closes). */
  pendingChanged(pending: number): void;
  /** Asks the worker to flush the outbox now (fallback where Background Sync is missing). */
  flushViaWorker(): Promise<unknown>;
}

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

/**
 * Registers the demo's service worker with workbox-window (`/sw.js`: the build's, or `src/sw.ts`
 * served by Vite in dev — see sw-dev-plugin.ts) and mirrors its state on `el` (`data-state`: unsupported | registering |
 * registered | controlling | error).
 */
export function registerServiceWorker(el: HTMLElement): ServiceWorkerLink {
  const show = (state: string, text: string): void => {
    el.dataset.state = state;
    el.textContent = text;
  };
  if (!('serviceWorker' in navigator)) {
    show('unsupported', 'service worker: not supported here');
    return { pendingChanged: () => undefined, flushViaWorker: () => Promise.reject(new Error('no service worker')) };
  }
  const wb = new Workbox('/sw.js', { type: 'module', scope: '/' });
  let registration: ServiceWorkerRegistration | undefined;
  let lastPending = 0;
  // Under the Vite dev server the worker has no precache manifest (sw.ts): say so instead of
  // promising an offline reload that would fail.
  const shell = import.meta.env.DEV ? 'dev server: app shell NOT cached, no offline reload (npm start serves a build that has one)' : 'app shell cached';
  const controlling = (): void => show('controlling', `service worker: controlling this page (${shell}, outbox flushed in the background)`);
  show('registering', 'service worker: registering…');
  wb.addEventListener('controlling', controlling);
  wb.register().then(
    (reg) => {
      registration = reg;
      if (navigator.serviceWorker.controller) controlling();
      else show('registered', 'service worker: installed, controls the next load');
    },
    (err: unknown) => show('error', `service worker: ${String(err)}`),
  );
  return {
    pendingChanged(pending) {
      const sync = (registration as (ServiceWorkerRegistration & { sync?: SyncManagerLike }) | undefined)?.sync;
      // Only when the count grows: one registration covers every write made until it fires.
      if (pending > lastPending && sync) {
        sync.register(DEMO.syncTag).then(
          () => (el.dataset.syncTag = 'registered'),
          () => (el.dataset.syncTag = 'refused'),
        );
      }
      lastPending = pending;
    },
    flushViaWorker: () => wb.messageSW({ type: 'flush-outbox' }),
  };
}
