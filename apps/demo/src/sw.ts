// The demo's service worker: precaches the built app shell (so the page loads offline) and, on a
// Background Sync `sync` event, pushes writes the page left in the IndexedDB outbox.
import { flushOutbox } from './outbox-flush.js';
import { DEMO } from './demo-config.js';

// Minimal service-worker typings: the repo's tsconfig uses the DOM lib, which lacks these and
// conflicts with lib.webworker.
interface SwExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface SwFetchEvent extends SwExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface SwSyncEvent extends SwExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}
interface SwMessageEvent extends SwExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
interface SwScope {
  readonly location: Location;
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', fn: (e: SwExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: SwFetchEvent) => void): void;
  addEventListener(type: 'sync', fn: (e: SwSyncEvent) => void): void;
  addEventListener(type: 'message', fn: (e: SwMessageEvent) => void): void;
  /** Written by the build (vite.config.ts, precacheManifest plugin); absent in dev. */
  __STOWAGE_PRECACHE__?: { version: string; urls: string[] };
}

const sw = self as unknown as SwScope;
const CACHE_PREFIX = 'stowage-demo-shell-';
const manifest = sw.__STOWAGE_PRECACHE__ ?? { version: 'dev', urls: [] };
const cacheName = `${CACHE_PREFIX}${manifest.version}`;

sw.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(cacheName)
      .then((cache) => cache.addAll(manifest.urls))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(CACHE_PREFIX) && name !== cacheName) await caches.delete(name);
      // Control the page that registered us at once, so its next reload is served from the cache.
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (e) => {
  const req = e.request;
  // Dev has no manifest (Vite serves modules on demand); cross-origin is the emulator: never intercept.
  if (manifest.urls.length === 0 || req.method !== 'GET' || new URL(req.url).origin !== sw.location.origin) return;
  if (req.mode === 'navigate') {
    // Network first for the page itself, so a new build shows when online; the shell when not.
    e.respondWith(fetch(req).catch(async () => (await caches.match('/index.html', { cacheName, ignoreVary: true })) ?? Response.error()));
    return;
  }
  // ignoreVary: servers add `Vary: Origin` (Vite's CORS), and module scripts are requested with an
  // Origin header the precache requests lacked; the files do not differ by origin.
  e.respondWith(caches.match(req, { cacheName, ignoreVary: true }).then((hit) => hit ?? fetch(req)));
});

sw.addEventListener('sync', (e) => {
  if (e.tag !== DEMO.syncTag) return;
  e.waitUntil(
    flushOutbox().then(({ pending }) => {
      // Rejecting tells the browser the sync failed, so it schedules another attempt later.
      if (pending > 0) throw new Error(`${pending} writes still pending`);
    }),
  );
});

// Same flush on request (`wb.messageSW({ type: 'flush-outbox' })`), for browsers without Background Sync.
sw.addEventListener('message', (e) => {
  const data = e.data as { type?: unknown } | null;
  if (data?.type !== 'flush-outbox') return;
  const reply = (msg: unknown): void => e.ports[0]?.postMessage(msg);
  e.waitUntil(flushOutbox().then((r) => reply({ ok: true, ...r }), (err: unknown) => reply({ ok: false, error: String(err) })));
});
