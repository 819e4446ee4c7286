#!/usr/bin/env node
// Renders results/latest.json as Markdown: the run's facts, the targets and one table per group,
// each figure with its speed factor against the best peer (as run.mjs prints them).
// Usage: node apps/bench/markdown.mjs            → prints the Markdown
//        node apps/bench/markdown.mjs --write    → replaces the block between
//          <!-- bench:results:start --> and <!-- bench:results:end --> in BENCHMARKS.md
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const report = JSON.parse(readFileSync(join(root, 'results', 'latest.json'), 'utf8'));

function fmt(n, unit) {
  if (typeof n !== 'number') return '—';
  if (unit === 'bytes' || unit === 'count') return Math.round(n).toLocaleString('en');
  if (unit === '%') return `${n.toFixed(1)} %`;
  return n < 1 ? n.toFixed(3) : n < 100 ? n.toFixed(2) : n.toFixed(0);
}

const cell = (s) => String(s).replace(/\|/g, '\\|');

/** Best figure per metric among peers (cases not flagged `ours`), or among all without peers. */
function bestPeer(group) {
  const peers = group.results.some((r) => !r.ours) ? group.results.filter((r) => !r.ours) : group.results;
  return Object.fromEntries(
    group.metrics.map((m) => {
      const vs = peers.map((r) => r.values[m.key]).filter((v) => typeof v === 'number' && v > 0);
      return [m.key, vs.length ? (m.better === 'lower' ? Math.min(...vs) : Math.max(...vs)) : null];
    }),
  );
}

function groupTable(group) {
  const best = bestPeer(group);
  const lines = [`#### ${group.title} \`${group.id}\``, ''];
  if (group.note) lines.push(group.note, '');
  lines.push(`| case | ${group.metrics.map((m) => cell(m.label)).join(' | ')} |`, `|---|${group.metrics.map(() => '---:').join('|')}|`);
  for (const r of group.results) {
    const cells = group.metrics.map((m) => {
      const v = r.values[m.key];
      if (typeof v !== 'number') return '—';
      const b = best[m.key];
      const factor = b && v > 0 ? (m.better === 'lower' ? b / v : v / b) : null;
      return factor === null ? fmt(v, m.unit) : `${fmt(v, m.unit)} (${factor.toFixed(2)}×)`;
    });
    lines.push(`| ${r.ours ? '★ ' : ''}${cell(r.case)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function render() {
  const out = [];
  const m = report.machine ?? {};
  out.push(
    `Run of ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC · Chromium ${report.chromium} (headless, Debian) · Node ${report.node} · ` +
      `${m.cpus ?? '?'} cores (${m.cpuModel ?? '?'}), ${m.memoryGiB ?? '?'} GiB · ${report.runs} runs, each figure the median of the per-run medians` +
      (report.filter ? ` · filter "${report.filter}"` : ''),
    '',
  );
  if (report.targets?.length) {
    out.push('| target | measured | reference peer | |', '|---|---:|---|---|');
    for (const t of report.targets) {
      const mark = t.status === 'met' ? '**met**' : t.status === 'missed' ? '**missed**' : 'not run';
      out.push(`| ${cell(t.label)} | ${t.ratio === null ? '—' : `${t.ratio.toFixed(2)}×`} | ${cell(t.peerCase ?? '—')} | ${mark} |`);
    }
    out.push('');
  }
  out.push('Figures: median ms (or bytes, %, count); in brackets the speed factor against the best peer of the column (> 1× = better than every peer; ★ = Stowage).', '');
  for (const g of report.groups) out.push(groupTable(g), '');
  return out.join('\n');
}

const md = render();
if (process.argv.includes('--write')) {
  const file = join(root, '..', '..', 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`BENCHMARKS.md has no ${start} … ${end} block`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${md}\n${text.slice(b)}`);
  console.log('BENCHMARKS.md updated');
} else {
  console.log(md);
}
