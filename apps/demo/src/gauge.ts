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
  if (bar) bar.style.width = `${pct}%`;
  el.dataset.usage = String(info.usage);
  const text = el.querySelector<HTMLElement>('[data-testid="gauge-text"]');
  if (text) text.textContent = `${info.currentSize} KB / ${info.limitSize} KB (${pct.toFixed(1)} %)`;
  const est = el.querySelector<HTMLElement>('[data-testid="gauge-estimate"]');
  if (est) {
    est.textContent = info.estimate
      ? `browser estimate for this origin: ${human(info.estimate.usage)} used of ${human(info.estimate.quota)}`
      : 'browser estimate: not available';
  }
}
