import type { StorageInfo } from 'stowage';

/** Formats bytes as KB / MB for the gauge. */
function human(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * The storage gauge: the namespace's `currentSize / limitSize` (the mini-program's KB units) as a
 * bar, and the browser's estimate for the whole origin (`navigator.storage.estimate()`) under it.
 */
export function renderGauge(el: HTMLElement, info: StorageInfo): void {
  const pct = Math.min(100, info.usage * 100);
  const bar = el.querySelector<HTMLElement>('.fill');
  // A sliver for any non-empty namespace: at 0.0 % a bare track looks broken, not "almost empty".
  if (bar) bar.style.width = info.currentSize > 0 ? `max(3px, ${pct}%)` : '0';
  el.dataset.usage = String(info.usage);
  const text = el.querySelector<HTMLElement>('[data-testid="gauge-text"]');
  const precise = pct > 0 && pct < 0.1 ? '< 0.1' : pct.toFixed(1);
  if (text) text.textContent = `${info.currentSize} KB of ${info.limitSize} KB used (${precise} %) by ${info.keys.length} ${info.keys.length === 1 ? 'key' : 'keys'}`;
  const est = el.querySelector<HTMLElement>('[data-testid="gauge-estimate"]');
  if (est) {
    est.textContent = info.estimate
      ? `browser estimate for this origin: ${human(info.estimate.usage)} used of ${human(info.estimate.quota)}`
      : 'browser estimate: not available';
  }
}
