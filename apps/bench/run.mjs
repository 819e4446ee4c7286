#!/usr/bin/env node
// Runs the benchmark page in headless Debian Chromium and prints/saves the results.
// Usage: node apps/bench/run.mjs [filter] [--runs=N]
//   filter = group id or "group/case" (substring match); --runs = how many times the whole page runs
//   (default 3): each figure is the median of the per-run medians, which steadies a busy machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.js';

const root = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--'));
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Folds several reports of the same groups into one: per figure, the median across runs. */
function combine(reports) {
  const [first] = reports;
  return {
    ...first,
    runs: reports.length,
    groups: first.groups.map((g, gi) => ({
      ...g,
      results: g.results.map((r, ri) => {
        const all = reports.map((rep) => rep.groups[gi].results[ri]);
        const values = Object.fromEntries(
          Object.keys(r.values).map((k) => {
            const vs = all.map((x) => x.values[k]).filter((v) => typeof v === 'number');
            return [k, vs.length ? median(vs) : null];
          }),
        );
        return { case: r.case, values, runs: all.map((x) => ({ values: x.values, samples: x.samples, iterations: x.iterations })) };
      }),
    })),
  };
}

/** Pads a table of strings into aligned columns (first column left, others right). */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

function fmt(n, unit) {
  if (n === null || n === undefined) return '—';
  if (unit === 'bytes') return Math.round(n).toLocaleString('en');
  if (unit === '%') return `${n.toFixed(1)}%`;
  return n < 1 ? n.toFixed(3) : n < 100 ? n.toFixed(2) : n.toFixed(0);
}

/** Each figure with its ratio to the best figure of its column (1.00× = best). */
function printGroup(group) {
  console.log(`\n${group.title}  [${group.id}]`);
  const best = Object.fromEntries(
    group.metrics.map((m) => {
      const vs = group.results.map((r) => r.values[m.key]).filter((v) => typeof v === 'number' && v > 0);
      return [m.key, vs.length ? (m.better === 'lower' ? Math.min(...vs) : Math.max(...vs)) : null];
    }),
  );
  const rows = [['case', ...group.metrics.map((m) => m.label)]];
  for (const r of group.results) {
    rows.push([
      r.case,
      ...group.metrics.map((m) => {
        const v = r.values[m.key];
        if (typeof v !== 'number') return '—';
        const b = best[m.key];
        const ratio = b ? (m.better === 'lower' ? v / b : b / v) : 1;
        return `${fmt(v, m.unit)} (${ratio.toFixed(2)}×)`;
      }),
    ]);
  }
  console.log(table(rows));
}

const server = await createServer({
  root,
  configFile: join(root, 'vite.config.ts'),
  logLevel: process.env.BENCH_VITE_LOG ?? 'warn',
  clearScreen: false,
  // No HMR: an edit anywhere in the repo must not reload the page in the middle of a run.
  server: { hmr: false, host: '127.0.0.1', port: 0 },
});

/** Runs the benchmarks once; if the page navigated underneath (a Vite reload), waits and retries once. */
async function runOnce(page) {
  for (let attempt = 0; ; attempt++) {
    try {
      await page.waitForFunction(() => typeof window.runBenchmarks === 'function');
      return await page.evaluate((f) => window.runBenchmarks(f), filter);
    } catch (err) {
      if (attempt > 0 || !/context was destroyed|navigat/i.test(String(err))) throw err;
      console.error('the page reloaded during the run; running again');
    }
  }
}

let browser;
try {
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('Vite did not report a local URL');
  browser = await chromium.launch(chromiumLaunchOptions());
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  page.on('console', (msg) => {
    if (msg.type() === 'error') console.error('page console:', msg.text());
  });
  await page.goto(url);
  console.log(`Chromium ${browser.version()} — ${url}${filter ? ` — filter "${filter}"` : ''} — ${runs} run(s), figures = median of run medians`);
  const reports = [];
  for (let i = 0; i < runs; i++) {
    process.stdout.write(`run ${i + 1}/${runs}…\n`);
    reports.push(await runOnce(page));
  }
  const report = combine(reports);
  if (report.groups.length === 0) {
    const groups = await page.evaluate(() => window.benchmarkGroups);
    throw new Error(`no group matches "${filter}"; groups: ${groups.join(', ')}`);
  }
  for (const g of report.groups) printGroup(g);
  const out = { ...report, chromium: browser.version(), node: process.version, filter: filter ?? null };
  mkdirSync(join(root, 'results'), { recursive: true });
  writeFileSync(join(root, 'results', 'latest.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwrote ${join('apps', 'bench', 'results', 'latest.json')}`);
} finally {
  await browser?.close();
  await server.close();
}
