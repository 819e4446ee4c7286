import type { MemoryCachedStorage } from 'stowage';
import { byTestId, element } from './dom.js';

/**
 * The cache panel: what the LRU memory tier holds (most recently used first) and how often reads
 * were answered from it. Re-rendered by the page's ticker; cheap (a walk over ≤ maxEntries keys).
 */
export function renderCachePanel(root: HTMLElement, cache: MemoryCachedStorage | undefined): void {
  const list = byTestId('cache-keys', root);
  const stats = byTestId('cache-stats', root);
  if (!cache) {
    list.replaceChildren();
    stats.textContent = 'memory cache disabled';
    return;
  }
  const s = cache.memoryStats();
  const lookups = s.hits + s.misses;
  const rate = lookups === 0 ? 0 : s.hits / lookups;
  const keys = cache.memoryKeys();
  // Re-rendering identical content would reset hover/selection every second; skip it.
  const signature = keys.join('\u0000');
  if (list.dataset.signature !== signature) {
    list.replaceChildren(...keys.map((k) => element('li', { 'data-testid': 'cache-key', 'data-key': k }, k)));
    list.dataset.signature = signature;
  }
  const hitRate = byTestId('cache-hit-rate', root);
  hitRate.textContent = `${(rate * 100).toFixed(0)} %`;
  hitRate.dataset.hits = String(s.hits);
  hitRate.dataset.misses = String(s.misses);
  stats.textContent =
    `${s.size} keys held · ${s.hits} hits (read from memory) · ${s.misses} misses (read from IndexedDB) · ` +
    `${s.evictions} evictions (least recently used key dropped to make room)`;
}
