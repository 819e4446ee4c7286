#!/usr/bin/env node
// Runs the benchmark page in headless Debian Chromium and prints/saves the results.
// Usage: node apps/bench/run.mjs [filter] [--runs=N]
//   filter = group id or "group/case" (substring match; "group/a|b" for several cases);
//   --metrics=a,b = time only these metric keys;
//   --runs = how many times the whole page runs
//   (default 3): each figure is the median of the per-run medians, which steadies a busy machine.
// A full run writes results/latest.json and results/chart.png; a filtered run writes
// results/partial.json and results/partial-chart.png instead, so it never replaces the full results.
// --profile records a CPU profile of the page during the runs (V8 sampling profiler over CDP),
// prints the functions with the most self time and writes results/profile.cpuprofile (open it in
// Chrome DevTools). Time the profile does not see as JavaScript is idle: IndexedDB, network, I/O.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.js';

const root = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--'));
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
const profile = args.includes('--profile');
// --metrics=keys,scan times only those metrics of each selected group (the others are left out).
const metrics = args.find((a) => a.startsWith('--metrics='))?.slice(10).split(',').filter(Boolean);
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
      results: g.results.map((r) => {
        // Matched by name: each run may order the cases differently (see `rotate`).
        const all = reports.map((rep) => rep.groups[gi].results.find((x) => x.case === r.case));
        const values = Object.fromEntries(
          Object.keys(r.values).map((k) => {
            const vs = all.map((x) => x.values[k]).filter((v) => typeof v === 'number');
            return [k, vs.length ? median(vs) : null];
          }),
        );
        return { case: r.case, ours: r.ours, values, runs: all.map((x) => ({ values: x.values, samples: x.samples, iterations: x.iterations })) };
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
  if (unit === 'bytes' || unit === 'count') return Math.round(n).toLocaleString('en');
  if (unit === '%') return `${n.toFixed(1)}%`;
  return n < 1 ? n.toFixed(3) : n < 100 ? n.toFixed(2) : n.toFixed(0);
}

/**
 * Each figure with its speed factor against the best peer of its column: the best figure among
 * cases not flagged `ours` (among all cases when the group has no peers). > 1 = better than every
 * peer; the best peer itself reads 1.00×. Stowage cases are marked ★.
 */
function printGroup(group) {
  console.log(`\n${group.title}  [${group.id}]`);
  const peers = group.results.some((r) => !r.ours) ? group.results.filter((r) => !r.ours) : group.results;
  const best = Object.fromEntries(
    group.metrics.map((m) => {
      const vs = peers.map((r) => r.values[m.key]).filter((v) => typeof v === 'number' && v > 0);
      return [m.key, vs.length ? (m.better === 'lower' ? Math.min(...vs) : Math.max(...vs)) : null];
    }),
  );
  const rows = [['case', ...group.metrics.map((m) => m.label)]];
  for (const r of group.results) {
    rows.push([
      `${r.ours ? '★ ' : '  '}${r.case}`,
      ...group.metrics.map((m) => {
        const v = r.values[m.key];
        if (typeof v !== 'number') return '—';
        const b = best[m.key];
        const factor = b && v > 0 ? (m.better === 'lower' ? b / v : v / b) : 1;
        return `${fmt(v, m.unit)} (${factor.toFixed(2)}×)`;
      }),
    ]);
  }
  console.log(table(rows));
  if (group.note) console.log(group.note);
}

/** Self time per function (and per script), largest first, from a V8 CPU profile. */
function printProfile(cpu) {
  const dt = new Map(); // node id → ms of samples whose leaf is that node
  for (let i = 0; i < cpu.samples.length; i++) dt.set(cpu.samples[i], (dt.get(cpu.samples[i]) ?? 0) + (cpu.timeDeltas[i] ?? 0) / 1000);
  const byFn = new Map();
  let total = 0;
  for (const node of cpu.nodes) {
    const ms = dt.get(node.id) ?? 0;
    total += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^https?:\/\/[^/]+\//, '').replace(/\?.*$/, '').replace(/^.*node_modules\/\.vite\/deps\//, 'deps/');
    const key = `${functionName || '(anonymous)'}  ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  console.log(`\nCPU profile: ${(total / 1000).toFixed(1)} s sampled; functions by self time`);
  const rows = [['function', 'self ms', '%']];
  for (const [k, ms] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 30)) rows.push([k.slice(0, 110), ms.toFixed(0), `${((100 * ms) / total).toFixed(1)}%`]);
  console.log(table(rows));
}

function printTargets(targets) {
  if (targets.length === 0) return;
  console.log('\nTargets (speed factor of Stowage vs the reference peer, same run; with several runs the median of the in-run factors)');
  const rows = [['target', 'measured', 'per run', 'reference', 'status']];
  for (const t of targets) {
    rows.push([t.label, t.ratio === null ? '—' : `${t.ratio.toFixed(2)}×`, t.runRatios ? t.runRatios.map((r) => r.toFixed(2)).join(' ') : '—', t.peerCase ?? '—', t.status]);
  }
  console.log(table(rows));
}

/**
 * Starts the Firestore emulator CLI on a free loopback port (for the sync group), as the browser
 * tests do: a child process, ready once it prints its URL.
 */
function startEmulator() {
  const bin = join(root, '..', '..', 'packages', 'firestore-emulator', 'bin', 'stowage-firestore-emulator.mjs');
  const child = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`Firestore emulator exited early (code ${code}): ${out}`)));
  });
}

function stopEmulator(emulator) {
  const child = emulator?.child;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
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
async function runOnce(page, rotate) {
  for (let attempt = 0; ; attempt++) {
    try {
      await page.waitForFunction(() => typeof window.runBenchmarks === 'function');
      return await page.evaluate(([f, r, m]) => window.runBenchmarks(f, r, m), [filter, rotate, metrics]);
    } catch (err) {
      if (attempt > 0 || !/context was destroyed|navigat/i.test(String(err))) throw err;
      console.error('the page reloaded during the run; running again');
    }
  }
}

let browser;
let emulator;
try {
  await server.listen();
  const local = server.resolvedUrls?.local[0];
  if (!local) throw new Error('Vite did not report a local URL');
  emulator = await startEmulator();
  const url = `${local}?emulator=127.0.0.1:${emulator.port}`;
  browser = await chromium.launch(chromiumLaunchOptions());
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const started = Date.now();
  page.on('pageerror', (err) => console.error('page error:', err));
  page.on('console', (msg) => {
    if (msg.type() === 'error') console.error('page console:', msg.text());
    // Progress: which case is being measured, with the time since the run started.
    else if (msg.text().startsWith('[bench] ')) console.error(`  ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s  ${msg.text().slice(8)}`);
  });
  // The heap group (hydration-heap-*) asks for a full GC and the heap's used bytes over CDP: the
  // page's own performance.memory is bucketed and cached, too coarse for a per-entry figure.
  const heapCdp = await page.context().newCDPSession(page);
  await page.exposeFunction('__benchHeapUsed', async () => {
    await heapCdp.send('HeapProfiler.collectGarbage');
    await heapCdp.send('HeapProfiler.collectGarbage');
    return (await heapCdp.send('Runtime.getHeapUsage')).usedSize;
  });
  await page.goto(url);
  console.log(`Chromium ${browser.version()} — ${url}${filter ? ` — filter "${filter}"` : ''}${metrics ? ` — metrics ${metrics.join(', ')}` : ''} — ${runs} run(s), figures = median of run medians`);
  const cdp = profile ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const reports = [];
  for (let i = 0; i < runs; i++) {
    process.stdout.write(`run ${i + 1}/${runs}…\n`);
    reports.push(await runOnce(page, i));
  }
  if (cdp) {
    const { profile: cpu } = await cdp.send('Profiler.stop');
    mkdirSync(join(root, 'results'), { recursive: true });
    writeFileSync(join(root, 'results', 'profile.cpuprofile'), JSON.stringify(cpu));
    printProfile(cpu);
  }
  const report = combine(reports);
  if (report.groups.length === 0) {
    const groups = await page.evaluate(() => window.benchmarkGroups);
    throw new Error(`no group matches "${filter}"; groups: ${groups.join(', ')}`);
  }
  for (const g of report.groups) printGroup(g);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30) };
  const caption = `${report.startedAt.slice(0, 10)} · Chromium ${browser.version()} headless · ${machine.cpus} cores · median of ${runs} run(s)${filter ? ` · filter "${filter}"` : ''}${metrics ? ` · metrics ${metrics.join(', ')}` : ''}`;
  const targets = await page.evaluate(([r, c]) => window.showReport(r, c), [report, caption]);
  printTargets(targets);
  const out = { ...report, targets, chromium: browser.version(), node: process.version, machine, filter: filter ?? null, metrics: metrics ?? null };
  const base = filter || metrics ? 'partial' : 'latest';
  mkdirSync(join(root, 'results'), { recursive: true });
  writeFileSync(join(root, 'results', `${base}.json`), JSON.stringify(out, null, 2) + '\n');
  const chartFile = filter || metrics ? 'partial-chart.png' : 'chart.png';
  await page.locator('#chart svg').screenshot({ path: join(root, 'results', chartFile) });
  console.log(`\nwrote ${join('apps', 'bench', 'results', `${base}.json`)} and ${join('apps', 'bench', 'results', chartFile)}`);
} finally {
  await browser?.close();
  await server.close();
  await stopEmulator(emulator);
}
