import { oursVsBestPeer } from './peer-ratio.js';
import type { TargetResult } from './targets.js';
import type { BenchReport } from './types.js';

interface Row {
  label: string;
  factor: number;
  /** A target's minimum, drawn as a tick. */
  min?: number;
  /** Met (green) / missed (red); rows without a target are coloured by the side of 1×. */
  met?: boolean;
}

const W = 1180;
const LABEL_W = 470;
const PLOT_W = 500;
const ROW_H = 20;
const LO = 0.01;
const HI = 100;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Log-scale x of a speed factor, clamped to the plot. */
const x = (f: number): number => LABEL_W + (PLOT_W * (Math.log10(Math.min(HI, Math.max(LO, f))) - Math.log10(LO))) / (Math.log10(HI) - Math.log10(LO));
const fmt = (f: number): string => (f >= 10 ? f.toFixed(0) : f >= 1 ? f.toFixed(2) : f.toFixed(3)) + '×';

function section(title: string, rows: readonly Row[], top: number): { svg: string; height: number } {
  const parts = [`<text x="0" y="${top + 14}" font-weight="bold" font-size="15">${esc(title)}</text>`];
  const y0 = top + 24;
  for (const [i, r] of rows.entries()) {
    const y = y0 + i * ROW_H;
    const colour = r.met === undefined ? (r.factor >= 1 ? '#3a7d44' : '#c8553d') : r.met ? '#3a7d44' : '#c8553d';
    const a = x(1);
    const b = x(r.factor);
    parts.push(`<text x="${LABEL_W - 8}" y="${y + 14}" text-anchor="end">${esc(r.label)}</text>`);
    parts.push(`<rect x="${Math.min(a, b)}" y="${y + 3}" width="${Math.max(1, Math.abs(b - a))}" height="${ROW_H - 6}" fill="${colour}" />`);
    if (r.min !== undefined) parts.push(`<line x1="${x(r.min)}" x2="${x(r.min)}" y1="${y}" y2="${y + ROW_H}" stroke="#000" stroke-width="2" />`);
    const note = r.min === undefined ? '' : ` (target ≥ ${r.min}×)`;
    parts.push(`<text x="${LABEL_W + PLOT_W + 8}" y="${y + 14}">${esc(fmt(r.factor) + note)}</text>`);
  }
  const bottom = y0 + rows.length * ROW_H;
  for (const t of [0.01, 0.1, 1, 10, 100]) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${y0}" y2="${bottom}" stroke="${t === 1 ? '#000' : '#bbb'}" stroke-dasharray="${t === 1 ? '' : '3,3'}" />`);
    parts.push(`<text x="${x(t)}" y="${bottom + 14}" text-anchor="middle" fill="#555">${t}×</text>`);
  }
  return { svg: parts.join(''), height: bottom + 22 - top };
}

/**
 * The chart of a run: each target's measured speed factor (bar) against its minimum (black tick),
 * then, per figure of every group with peers, the best Stowage case against the best peer. Log
 * scale; right of 1× = faster (or smaller) than the best peer.
 */
export function chartSvg(report: BenchReport, targets: readonly TargetResult[], caption: string): string {
  const targetRows: Row[] = targets
    .filter((t) => t.ratio !== null)
    .map((t) => ({ label: t.label, factor: t.ratio as number, min: t.min, met: t.status === 'met' }));
  const figureRows: Row[] = report.groups.flatMap((g) =>
    oursVsBestPeer(g).map((o) => ({ label: `${g.id} · ${o.metric.label}`, factor: o.factor })),
  );
  const a = section('Targets: Stowage ÷ reference peer (speed factor, same run, medians)', targetRows, 30);
  const b = section('Every figure: best Stowage case vs best peer (> 1× = Stowage better)', figureRows, 30 + a.height + 16);
  const height = 30 + a.height + 16 + b.height + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="system-ui, sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="#fff" /><text x="0" y="16" font-size="13" fill="#333">${esc(caption)}</text>` +
    `<g>${a.svg}</g><g>${b.svg}</g></svg>`;
}
