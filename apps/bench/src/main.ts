import { chartSvg } from './chart.js';
import { runGroups } from './harness.js';
import { bestPeerValues, peerFactor } from './peer-ratio.js';
import { REGISTRY } from './registry.js';
import { evaluateTargets } from './targets.js';
import type { TargetResult } from './targets.js';
import type { BenchReport, GroupResult } from './types.js';

declare global {
  interface Window {
    /**
     * Runs the benchmarks whose group id (or `group/case`) matches `filter`; resolves to the report.
     * `rotate` shifts each group's case order (the runner passes the run's index); `metrics` limits
     * what is timed to those metric keys.
     */
    runBenchmarks(filter?: string, rotate?: number, metrics?: string[]): Promise<BenchReport>;
    /** Shows a (combined) report: tables, targets and chart; resolves to the targets' results. */
    showReport(report: BenchReport, caption: string): TargetResult[];
    /** Ids of every registered group. */
    benchmarkGroups: string[];
  }
}

function format(n: number | null, unit: string): string {
  if (n === null) return '—';
  if (unit === 'bytes' || unit === 'count') return Math.round(n).toLocaleString('en');
  if (unit === '%') return `${n.toFixed(1)}%`;
  return n < 1 ? n.toFixed(3) : n < 100 ? n.toFixed(2) : n.toFixed(0);
}

function render(group: GroupResult): HTMLTableElement {
  const best = bestPeerValues(group);
  const table = document.createElement('table');
  const caption = table.createCaption();
  caption.textContent = `${group.title} [${group.id}]`;
  const head = table.createTHead().insertRow();
  for (const h of ['case', ...group.metrics.map((m) => m.label)]) head.appendChild(document.createElement('th')).textContent = h;
  const body = table.createTBody();
  for (const r of group.results) {
    const row = body.insertRow();
    row.insertCell().textContent = r.ours ? `★ ${r.case}` : r.case;
    for (const m of group.metrics) {
      const v = r.values[m.key] ?? null;
      const f = peerFactor(m, v, best[m.key]);
      row.insertCell().textContent = f === null ? format(v, m.unit) : `${format(v, m.unit)} (${f.toFixed(2)}×)`;
    }
  }
  return table;
}

function renderTargets(targets: readonly TargetResult[]): HTMLTableElement {
  const table = document.createElement('table');
  table.createCaption().textContent = 'Targets (speed factor vs the reference peer, same run)';
  const head = table.createTHead().insertRow();
  for (const h of ['target', 'measured', 'status']) head.appendChild(document.createElement('th')).textContent = h;
  const body = table.createTBody();
  for (const t of targets) {
    const row = body.insertRow();
    row.insertCell().textContent = t.label;
    row.insertCell().textContent = t.ratio === null ? '—' : `${t.ratio.toFixed(2)}×`;
    row.insertCell().textContent = t.status;
  }
  return table;
}

window.benchmarkGroups = REGISTRY.map((g) => g.id);

window.runBenchmarks = async (filter?: string, rotate = 0, metrics?: string[]) => {
  const out = document.getElementById('out') as HTMLElement;
  out.textContent = 'running…';
  const report = await runGroups(REGISTRY, filter, (msg) => {
    out.textContent = `running ${msg}…`;
    console.info(`[bench] ${msg}`); // run.mjs prints these as progress
  }, rotate, metrics);
  window.showReport(report, `${report.startedAt} — ${navigator.userAgent}`);
  return report;
};

window.showReport = (report, caption) => {
  const targets = evaluateTargets(report).filter((t) => t.status !== 'missing' || report.groups.some((g) => g.id === t.group));
  const chart = document.getElementById('chart') as HTMLElement;
  chart.innerHTML = chartSvg(report, targets, caption);
  (document.getElementById('out') as HTMLElement).replaceChildren(renderTargets(targets), ...report.groups.map(render));
  return targets;
};

document.getElementById('run')?.addEventListener('click', () => {
  const filter = (document.getElementById('filter') as HTMLInputElement).value.trim();
  void window.runBenchmarks(filter || undefined);
});
