import { inspect, storageInfo } from '@stowage/core';
import { createNetworkMonitor, type HitRateEvent, type MiniStorage, type Storage, type Stowage } from 'stowage';
import { mountAnalyticsPanel } from './analytics-panel.js';
import { mountBackupPanel } from './backup-panel.js';
import { renderCachePanel } from './cache-panel.js';
import { byTestId } from './dom.js';
import { mountEditor } from './editor.js';
import { mountEncryptionPanel } from './encryption-panel.js';
import { renderGauge } from './gauge.js';
import { mountHealthPanel } from './health-panel.js';
import { mountKeyBrowser } from './key-browser.js';
import { mountMiniConsole } from './mini-console.js';
import { createOnlineSwitch } from './online-switch.js';
import { createRefresher } from './refresher.js';
import { createDemoSession } from './session.js';
import { createStatusLine } from './status-line.js';
import { registerServiceWorker } from './sw-register.js';
import { mountSyncPanel } from './sync-panel.js';
import { formatUsage } from './usage-line.js';

declare global {
  interface Window {
    /**
     * Debugging aid: the live pieces, for the console and for e2e specs that check raw state.
     * Getters, because unlocking replaces the stowage. Not an API: pages must not use it.
     */
    __stowage: { readonly app: Stowage; readonly storage: Storage; readonly mini: MiniStorage; flushViaWorker(): Promise<unknown> };
  }
}

const online = createOnlineSwitch();
const network = createNetworkMonitor({ online });
// The health panel is mounted below, once the session exists; hit-rate events of the first reads wait for it.
let onHitRate: (event: HitRateEvent) => void = () => undefined;
const session = createDemoSession({ network, onHitRate: (e) => onHitRate(e) });
const worker = registerServiceWorker(byTestId('sw-state'));
Object.defineProperty(window, '__stowage', {
  value: Object.freeze({
    get app() {
      return session.app;
    },
    get storage() {
      return session.storage;
    },
    get mini() {
      return session.app.mini as MiniStorage;
    },
    flushViaWorker: () => worker.flushViaWorker(),
  }),
});

const status = createStatusLine(byTestId('status'));
const usage = byTestId('usage');
const gauge = byTestId('gauge');

const editor = mountEditor({
  form: byTestId<HTMLFormElement>('editor'),
  storage: () => session.storage,
  status,
  output: byTestId('value-output'),
  unlocked: () => session.unlocked,
});

const keyBrowser = mountKeyBrowser({ body: byTestId('key-rows'), onSelect: (key) => void editor.load(key) });
const syncPanel = mountSyncPanel({
  root: byTestId('sync-panel'),
  app: () => session.app,
  online,
  // The switch is an app-level "offline": the service worker must not flush behind its back, so
  // Background Sync is asked for only while the app itself wants to be online.
  onPending: (n) => worker.pendingChanged(online.forcedOffline ? 0 : n),
});
const analyticsPanel = mountAnalyticsPanel(byTestId('analytics-panel'));
const healthPanel = mountHealthPanel({ root: byTestId('health-panel'), app: () => session.app });
onHitRate = (e) => healthPanel.hitRate(e);
const cachePanel = byTestId('cache-panel');

mountBackupPanel({
  download: byTestId<HTMLButtonElement>('backup-download'),
  file: byTestId<HTMLInputElement>('backup-file'),
  mode: byTestId<HTMLSelectElement>('backup-mode'),
  activity: byTestId('backup-activity'),
  storage: () => session.storage,
  cache: () => session.app.cache,
  status,
});

/** Re-reads the table, usage line and gauge; bursts of events collapse into one trailing re-read. */
const refresh = createRefresher(async () => {
  const storage = session.storage;
  try {
    const [entries, info] = await Promise.all([inspect(storage), storageInfo(storage)]);
    keyBrowser.render(entries, Date.now());
    usage.textContent = formatUsage(info);
    renderGauge(gauge, info);
  } catch (err) {
    // A swap closes the old storage mid-read; the swap's own refresh brings the right data.
    if (storage === session.storage) usage.textContent = `usage unavailable: ${status.error(err, 'refresh').code}`;
  }
  renderCachePanel(cachePanel, session.app.cache);
  void syncPanel.refresh();
});

let unsubscribe = (): void => undefined;
const watch = (app: Stowage): void => {
  unsubscribe();
  // Local and remote (other tabs through BroadcastChannel, the cloud through sync) changes alike re-read the table.
  unsubscribe = app.storage.subscribe((event) => {
    if (event.type === 'error') status.error(event.error, event.operation);
    void refresh();
  });
  syncPanel.attach(app);
  healthPanel.attach(app);
  void refresh();
  app.ready().then(
    // Catch up with the cloud at start; offline, the reconnect does it. Failures show in the sync panel.
    () => void (network.state().online ? app.sync?.pull().catch(() => undefined) : undefined),
    (err: unknown) => status.error(err, 'start'),
  );
};
watch(session.app);
session.onSwap(watch);

// Once a second: countdowns (a key that reaches 0 makes the table re-read), cache, sync status
// (other tabs and the service worker flush too) and the analytics charts.
setInterval(() => {
  if (keyBrowser.tick(Date.now())) void refresh();
  renderCachePanel(cachePanel, session.app.cache);
  void syncPanel.refresh();
  analyticsPanel.render(session.app.analytics, Date.now());
  healthPanel.tick();
}, 1000);
analyticsPanel.render(session.app.analytics, Date.now());

mountEncryptionPanel({
  root: byTestId('encryption-panel'),
  session,
  status,
  output: byTestId('value-output'),
  onChanged: () => void refresh(),
});

void mountMiniConsole({
  form: byTestId<HTMLFormElement>('mini-form'),
  mini: () => session.app.mini as MiniStorage,
  state: byTestId('mini-state'),
  output: byTestId('mini-output'),
});
