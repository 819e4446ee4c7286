import { checkHealth, checkRemoteHealth, watchUsage } from 'stowage';
import type { HitRateEvent, RemoteHealth, StorageHealth, Stowage, UsageEvent, UsageReading, UsageWatch } from 'stowage';
import { byTestId, element } from './dom.js';
import { errorNodes } from './explain-error.js';

/** The memory cache's hit-rate watch of the demo (session.ts passes it to `createStowage`): warn below half of the last 10 reads. */
export const HIT_RATE = { threshold: 0.5, window: 10 } as const;

/** Options of {@link mountHealthPanel}. */
export interface HealthPanelOptions {
  root: HTMLElement;
  /** The stowage in use (an unlock replaces it: call `attach` then). */
  app: () => Stowage;
}

/** The health and thresholds panel; `attach` follows an unlock's new stowage, `hitRate` takes the cache's events, `tick` redraws. */
export interface HealthPanel {
  attach(app: Stowage): void;
  hitRate(event: HitRateEvent): void;
  tick(): void;
}

const pct = (fraction: number): string => `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)} %`;
const whole = (fraction: number): string => `${Math.round(fraction * 100)} %`;
const kb = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;

/** One line per check: the result in words, with the volatile parts (times, the origin's quota) marked for the visual check. */
function storageNodes(h: StorageHealth): Node[] {
  const parts: Node[] = [
    element('strong', {}, h.ok ? 'healthy' : 'NOT healthy'),
    document.createTextNode(` · driver ${h.driver} · opens ${h.open.ok ? 'yes' : 'no'} · write, read back, delete of a probe key ${h.readWrite.ok ? 'yes' : 'no'} `),
    element('span', { 'data-volatile': '' }, `(${Math.round(h.readWrite.ms)} ms)`),
    document.createTextNode(` · ${h.persistent ? 'survives a reload' : 'memory only: lost on reload'}`),
    document.createTextNode(h.persisted === undefined ? '' : ` · persistent storage ${h.persisted ? 'granted' : 'not granted (the browser may evict it)'}`),
  ];
  const failed = h.open.error ?? h.readWrite.error;
  if (failed) parts.push(document.createTextNode(' — '), ...errorNodes(failed, 'checkHealth'));
  return parts;
}

function remoteNodes(h: RemoteHealth): Node[] {
  const parts: Node[] = [
    element('strong', {}, h.ok ? 'healthy' : 'NOT healthy'),
    document.createTextNode(` · reachable ${h.reachable ? 'yes' : 'no'} · read allowed ${h.permission ? 'yes' : 'no'} · round trip `),
    element('span', { 'data-volatile': '' }, `${Math.round(h.latencyMs)} ms`),
  ];
  if (h.error) parts.push(document.createTextNode(' — '), ...errorNodes(h.error, 'checkRemoteHealth'));
  return parts;
}

/**
 * Health (`checkHealth` of the storage, `checkRemoteHealth` of the cloud, on a click) and the
 * thresholds: `watchUsage` against the namespace's 10 MB limit at the fraction typed in, and the
 * memory cache's hit-rate events — each warning shown while it holds and cleared when it ends.
 */
export function mountHealthPanel(o: HealthPanelOptions): HealthPanel {
  const storageRow = byTestId('health-storage', o.root);
  const quotaRow = byTestId('health-quota', o.root);
  const remoteRow = byTestId('health-remote', o.root);
  const button = byTestId<HTMLButtonElement>('health-check', o.root);
  const input = byTestId<HTMLInputElement>('usage-threshold', o.root);
  const usageRow = byTestId('usage-warning', o.root);
  const hitRow = byTestId('hit-rate-warning', o.root);
  let watch: UsageWatch | undefined;
  let low = false;

  const renderUsage = (event?: UsageEvent): void => {
    const r: UsageReading | undefined = event ?? watch?.last;
    const threshold = Number(input.value) / 100;
    if (!watch || !r) {
      usageRow.dataset.state = '';
      usageRow.textContent = 'measuring usage…';
      return;
    }
    const above = watch.above === true;
    usageRow.dataset.state = above ? 'above' : 'below';
    usageRow.dataset.threshold = String(threshold);
    const of = r.basis === 'limit' ? `the ${kb(r.of)} limit` : `the origin's ${kb(r.of)} quota`;
    usageRow.textContent = above
      ? `⚠ usage warning: ${pct(r.usage)} of ${of} is used, at or above the ${pct(threshold)} threshold`
      : `usage ${pct(r.usage)} of ${of}, below the ${pct(threshold)} warning threshold`;
  };

  const startWatch = (app: Stowage): void => {
    watch?.stop();
    const threshold = Number(input.value) / 100;
    if (!(threshold > 0 && threshold <= 1)) {
      watch = undefined;
      usageRow.dataset.state = '';
      usageRow.textContent = 'type a threshold from 0.1 to 100 %';
      return;
    }
    const w = watchUsage(app.storage, { threshold, onChange: (e) => renderUsage(e) });
    watch = w;
    void w.idle().then(() => w === watch && renderUsage());
  };

  const renderHitRate = (): void => {
    const recent = o.app().cache?.recentHitRate();
    hitRow.dataset.state = low ? 'low' : recent && recent.gets >= HIT_RATE.window ? 'ok' : '';
    const now = recent ? `${whole(recent.hitRate)} of the last ${recent.gets} reads came from memory` : 'memory cache off';
    hitRow.textContent = low
      ? `⚠ hit-rate warning: ${now}, below the ${whole(HIT_RATE.threshold)} threshold`
      : `${now} (warns below ${whole(HIT_RATE.threshold)} over ${HIT_RATE.window} reads)`;
  };

  button.addEventListener('click', () => {
    const app = o.app();
    storageRow.dataset.ok = remoteRow.dataset.ok = '';
    storageRow.textContent = remoteRow.textContent = 'checking…';
    void checkHealth(app.storage).then((h) => {
      storageRow.dataset.ok = String(h.ok);
      storageRow.replaceChildren(...storageNodes(h));
      quotaRow.textContent = h.quota ? `${kb(h.quota.usage)} of ${kb(h.quota.quota)} used by this whole site (${pct(h.quota.ratio)})` : 'the browser does not say';
    });
    if (!app.remote) {
      remoteRow.dataset.ok = 'none';
      remoteRow.textContent = 'no cloud configured (start the demo with the emulator)';
      return;
    }
    void checkRemoteHealth(app.remote, { timeoutMs: 3000 }).then((h) => {
      remoteRow.dataset.ok = String(h.ok);
      remoteRow.replaceChildren(...remoteNodes(h));
    });
  });
  input.addEventListener('change', () => startWatch(o.app()));

  renderHitRate();
  return {
    attach: (app) => {
      low = false;
      startWatch(app);
    },
    hitRate: (event) => {
      low = event.state === 'low';
      renderHitRate();
    },
    tick: () => {
      renderUsage();
      renderHitRate();
    },
  };
}
