import type { EntryInfo } from 'stowage';
import { element } from './dom.js';

/** The key table: one row per live key, from `inspect(storage)`. */
export interface KeyBrowser {
  /** Replaces the rows with `entries` (sorted by the storage) and their countdowns at `now`. */
  render(entries: readonly EntryInfo[], now: number): void;
  /** Updates the countdowns; returns true when a shown key has expired (time to re-read the table). */
  tick(now: number): boolean;
}

/** Options of {@link mountKeyBrowser}. */
export interface KeyBrowserOptions {
  /** The `<tbody>` the rows go into. */
  body: HTMLElement;
  /** Called when a key is clicked. @default no-op */
  onSelect?: (key: string) => void;
}

/** Seconds left, rounded up so "1s" still shows in the last second. */
function countdown(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) return '—';
  return `${Math.max(0, Math.ceil((expiresAt - now) / 1000))}s`;
}

/** Renders the key browser into a table body; rows carry `data-key` so specs can find a key. */
export function mountKeyBrowser(options: KeyBrowserOptions): KeyBrowser {
  const { body, onSelect } = options;
  body.addEventListener('click', (ev) => {
    const cell = (ev.target as HTMLElement).closest<HTMLElement>('td.key');
    const key = cell?.parentElement?.dataset.key;
    if (key !== undefined) onSelect?.(key);
  });
  return {
    render(entries, now) {
      const rows = entries.map((e) => {
        const tr = element('tr', { 'data-testid': 'key-row', 'data-key': e.key });
        const badges = element('td', { 'data-testid': 'key-codecs' });
        for (const id of e.codecs) badges.append(element('span', { class: 'badge', 'data-testid': 'codec-badge' }, id));
        const expiry = element('td', { 'data-testid': 'key-expiry' }, countdown(e.expiresAt, now));
        if (e.expiresAt !== undefined) expiry.dataset.expiresAt = String(e.expiresAt);
        tr.append(
          element('td', { class: 'key', 'data-testid': 'key-name', title: 'load this key' }, e.key),
          element('td', { 'data-testid': 'key-size' }, String(e.size)),
          element('td', { 'data-testid': 'key-raw-size' }, String(e.rawSize)),
          badges,
          expiry,
        );
        return tr;
      });
      body.replaceChildren(...rows);
      body.dataset.count = String(rows.length);
    },
    tick(now) {
      let expired = false;
      for (const cell of body.querySelectorAll<HTMLElement>('td[data-expires-at]')) {
        const at = Number(cell.dataset.expiresAt);
        cell.textContent = countdown(at, now);
        if (at <= now) expired = true;
      }
      return expired;
    },
  };
}
