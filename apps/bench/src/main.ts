import { runGroups } from './harness.js';
import { REGISTRY } from './registry.js';
import type { BenchReport, GroupResult } from './types.js';

declare global {
  interface Window {
    /** Runs the benchmarks whose group id (or `group/case`) matches `filter`; resolves to the report. */
    runBenchmarks(filter?: string): Promise<BenchReport>;
    /** Ids of every registered group. */
    benchmarkGroups: string[];
  }
}

function format(n: number | null, unit: string): string {
  if (n === null) return '—';
  if (unit === 'bytes') return n.toLocaleString('en');
  return n < 1 ? n.toFixed(3) : n < 100 ? n.toFixed(2) : n.toFixed(0);
}

function render(group: GroupResult): HTMLTableElement {
  const table = document.createElement('table');
  const caption = table.createCaption();
  caption.textContent = group.title;
  const head = table.createTHead().insertRow();
  for (const h of ['case', ...group.metrics.map((m) => m.label)]) head.appendChild(document.createElement('th')).textContent = h;
  const body = table.createTBody();
  for (const r of group.results) {
    const row = body.insertRow();
    row.insertCell().textContent = r.case;
    for (const m of group.metrics) row.insertCell().textContent = format(r.values[m.key] ?? null, m.unit);
  }
  return table;
}

window.benchmarkGroups = REGISTRY.map((g) => g.id);
window.runBenchmarks = async (filter?: string) => {
  const out = document.getElementById('out') as HTMLElement;
  out.textContent = 'running…';
  const report = await runGroups(REGISTRY, filter, (msg) => (out.textContent = `running ${msg}…`));
  out.replaceChildren(...report.groups.map(render));
  return report;
};

document.getElementById('run')?.addEventListener('click', () => {
  const filter = (document.getElementById('filter') as HTMLInputElement).value.trim();
  void window.runBenchmarks(filter || undefined);
});
