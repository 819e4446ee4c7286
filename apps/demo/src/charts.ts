/** Tiny SVG charts for the analytics dashboard: a chart library would outweigh the whole demo. */

const NS = 'http://www.w3.org/2000/svg';

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** One bar: its label, its value, and the text shown on hover. */
export interface Bar {
  label: string;
  value: number;
  title?: string;
}

/** Vertical bars scaled to the largest value; each bar carries `data-value` for tests and tooltips. */
export function drawBars(svg: SVGSVGElement, bars: readonly Bar[], options: { width?: number; height?: number } = {}): void {
  const { width = 320, height = 120 } = options;
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 16}`);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = bars.length > 0 ? width / bars.length : width;
  const children = bars.map((b, i) => {
    const h = (b.value / max) * height;
    const g = svgEl('g', { 'data-testid': 'chart-bar', 'data-label': b.label, 'data-value': b.value });
    const rect = svgEl('rect', { x: i * slot + 1, y: height - h, width: Math.max(1, slot - 2), height: h, class: 'bar' });
    rect.append(svgEl('title', {}, b.title ?? `${b.label}: ${b.value}`));
    g.append(rect);
    if (bars.length <= 12) g.append(svgEl('text', { x: i * slot + slot / 2, y: height + 12, 'text-anchor': 'middle', class: 'axis' }, b.label));
    return g;
  });
  svg.replaceChildren(...children);
  svg.dataset.count = String(bars.length);
}

/** A polyline of values in [0, max] (e.g. a hit rate sampled over time), newest on the right. */
export function drawLine(svg: SVGSVGElement, values: readonly number[], options: { max?: number; width?: number; height?: number } = {}): void {
  const { max = 1, width = 320, height = 120 } = options;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - (Math.min(v, max) / max) * height).toFixed(1)}`).join(' ');
  svg.replaceChildren(
    svgEl('line', { x1: 0, y1: height, x2: width, y2: height, class: 'axis-line' }),
    svgEl('polyline', { points, class: 'line', 'data-testid': 'chart-line' }),
  );
  svg.dataset.count = String(values.length);
}
