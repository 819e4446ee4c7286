/**
 * The analytics charts, drawn as SVG: a y axis with ticks and its unit, x labels, and the value
 * written on every bar and point (plus a hover title). Hand-drawn rather than a chart library:
 * three small charts of at most 12 values, and SVG keeps each value in the DOM (`data-value`, a
 * `<title>`) for screen readers and the specs; canvas libraries such as uPlot or Chart.js would
 * paint them into pixels. See apps/demo/README.md for the comparison.
 */
import { niceTicks } from './chart-scale.js';

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
  /** Whether the label is drawn under the bar (all labels are kept in `data-label`). @default true */
  showLabel?: boolean;
}

/** Axis texts of a chart. */
export interface Axes {
  /** What the y axis counts, with its unit ("operations", "hit rate, %"). */
  y: string;
  /** What the x axis is ("seconds ago, 5 s per bar"). */
  x: string;
}

const W = 320;
const H = 150;
const M = { left: 30, right: 6, top: 14, bottom: 30 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

/** Y axis: gridlines and tick labels for `ticks` on a scale to `top`, the unit rotated along it, the x axis title. */
function frame(ticks: readonly number[], top: number, axes: Axes, format: (v: number) => string): SVGElement[] {
  const y = (v: number): number => M.top + PLOT_H - (v / top) * PLOT_H;
  const out: SVGElement[] = [];
  for (const t of ticks) {
    out.push(svgEl('line', { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), class: t === 0 ? 'axis-line' : 'grid-line' }));
    out.push(svgEl('text', { x: M.left - 4, y: y(t) + 3, 'text-anchor': 'end', class: 'tick' }, format(t)));
  }
  out.push(svgEl('text', { x: 9, y: M.top + PLOT_H / 2, transform: `rotate(-90 9 ${M.top + PLOT_H / 2})`, 'text-anchor': 'middle', class: 'axis-title' }, axes.y));
  out.push(svgEl('text', { x: M.left + PLOT_W / 2, y: H - 2, 'text-anchor': 'middle', class: 'axis-title' }, axes.x));
  return out;
}

/** Vertical bars on a 0-based y axis with nice ticks; each bar's value is written above it when non-zero. */
export function drawBars(svg: SVGSVGElement, bars: readonly Bar[], axes: Axes): void {
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const ticks = niceTicks(Math.max(0, ...bars.map((b) => b.value)));
  const top = ticks[ticks.length - 1] as number;
  const slot = PLOT_W / Math.max(1, bars.length);
  const children = bars.map((b, i) => {
    const h = (b.value / top) * PLOT_H;
    const x = M.left + i * slot;
    const g = svgEl('g', { 'data-testid': 'chart-bar', 'data-label': b.label, 'data-value': b.value });
    const rect = svgEl('rect', { x: x + 1, y: M.top + PLOT_H - h, width: Math.max(1, slot - 2), height: h, class: 'bar' });
    rect.append(svgEl('title', {}, b.title ?? `${b.label}: ${b.value}`));
    g.append(rect);
    if (b.value > 0) g.append(svgEl('text', { x: x + slot / 2, y: M.top + PLOT_H - h - 3, 'text-anchor': 'middle', class: 'value' }, String(b.value)));
    if (b.showLabel ?? true) g.append(svgEl('text', { x: x + slot / 2, y: M.top + PLOT_H + 11, 'text-anchor': 'middle', class: 'tick' }, b.label));
    return g;
  });
  svg.replaceChildren(...frame(ticks, top, axes, String), ...children);
  svg.dataset.count = String(bars.length);
}

/** One point of a line chart; `value` null = nothing measured then (a gap, not a zero). */
export interface Point {
  label: string;
  value: number | null;
  title?: string;
  showLabel?: boolean;
}

/**
 * Values in [0, 1] as a percentage line on a 0–100 % axis: a dot with its value on every measured
 * point, joined in order; points with no measurement are left out rather than drawn as 0 %.
 */
export function drawPercentLine(svg: SVGSVGElement, points: readonly Point[], axes: Axes): void {
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const slot = PLOT_W / Math.max(1, points.length);
  const xy = (i: number, v: number): [number, number] => [M.left + i * slot + slot / 2, M.top + PLOT_H - v * PLOT_H];
  const measured = points.flatMap((p, i) => (p.value === null ? [] : [{ p, i, at: xy(i, Math.min(1, Math.max(0, p.value))) }]));
  const line = svgEl('polyline', { points: measured.map(({ at }) => `${at[0].toFixed(1)},${at[1].toFixed(1)}`).join(' '), class: 'line', 'data-testid': 'chart-line' });
  const dots = measured.map(({ p, at }) => {
    const pct = `${Math.round((p.value as number) * 100)} %`;
    const g = svgEl('g', { 'data-testid': 'chart-point', 'data-label': p.label, 'data-value': p.value as number });
    const dot = svgEl('circle', { cx: at[0], cy: at[1], r: 2.5, class: 'dot' });
    dot.append(svgEl('title', {}, p.title ?? `${p.label}: ${pct}`));
    // Above the dot, except at the top of the scale where it would leave the plot.
    g.append(dot, svgEl('text', { x: at[0], y: at[1] < M.top + 12 ? at[1] + 11 : at[1] - 5, 'text-anchor': 'middle', class: 'value' }, pct));
    return g;
  });
  const labels = points.flatMap((p, i) => ((p.showLabel ?? true) ? [svgEl('text', { x: xy(i, 0)[0], y: M.top + PLOT_H + 11, 'text-anchor': 'middle', class: 'tick' }, p.label)] : []));
  svg.replaceChildren(...frame([0, 0.25, 0.5, 0.75, 1], 1, axes, (v) => `${v * 100}`), ...labels, line, ...dots);
  svg.dataset.count = String(measured.length);
}
