#!/usr/bin/env node
// Runs the benchmark page in headless Debian Chromium and prints/saves the results.
// Usage: node apps/bench/run.mjs [filter]   (filter = group id or "group/case", substring match)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.js';

const root = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];

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
  configFile: false,
  logLevel: 'warn',
  clearScreen: false,
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  // CommonJS dependencies are pre-bundled up front so Vite never reloads the page mid-run.
  optimizeDeps: { include: ['fflate', 'lz-string', 'crypto-js', 'crypto-js/aes', 'crypto-js/pad-nopadding'] },
  server: {
    host: '127.0.0.1',
    port: 0,
    // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
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
  await page.waitForFunction(() => typeof window.runBenchmarks === 'function');
  console.log(`Chromium ${browser.version()} — ${url}${filter ? ` — filter "${filter}"` : ''}`);
  const report = await page.evaluate((f) => window.runBenchmarks(f), filter);
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
