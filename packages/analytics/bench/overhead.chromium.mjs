#!/usr/bin/env node
// The overhead benchmark in headless Chromium, on IndexedDB (the production path) or the memory driver:
//   node packages/analytics/bench/overhead.chromium.mjs [--driver indexeddb|memory] [--runs 7] [--ops 2000] [--keys 1000]
// Same workload and interleaving as overhead.mjs; figures per second of main-thread CPU time
// (CDP ThreadTime: steady on a busy machine) and of wall time. The page is served by route interception on a
// made-up http origin (IndexedDB needs a real origin; nothing goes to the network).
import { chromium } from 'playwright';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from '../../../scripts/bundle-entry.mjs';
import { chromiumLaunchOptions } from '../../../scripts/chromium.js';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const driver = flag('driver', 'indexeddb');
const runs = Number(flag('runs', 7));
const ops = Number(flag('ops', driver === 'memory' ? 20_000 : 2000));
const keys = Number(flag('keys', 1000));

const code = await bundleEntry(fileURLToPath(new URL('./overhead-workload.ts', import.meta.url)));
const origin = 'http://analytics-bench.invalid';
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage();
  await page.route(`${origin}/**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
  await page.goto(`${origin}/`);
  // The ES bundle's exports become a global: a module script cannot hand them to evaluate() otherwise.
  await page.addScriptTag({ type: 'module', content: code.replace(/^export \{([^}]*)\};?\s*$/m, 'globalThis.__bench = {$1};') });
  await page.waitForFunction(() => typeof globalThis.__bench?.runOnce === 'function');
  // Main-thread CPU time (CDP ThreadTime), so other processes on a busy machine do not count.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const threadMs = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value * 1000;
  const modes = ['plain', 'instrumented', 'persisted'];
  const samples = [];
  for (let r = -1; r < runs; r++) {
    for (const mode of r % 2 ? [...modes].reverse() : modes) {
      const id = await page.evaluate(({ mode, driver }) => globalThis.__bench.prepare(mode, driver), { mode, driver });
      for (const op of ['set', 'get', 'set×100 concurrent']) {
        const c0 = await threadMs();
        const wall = await page.evaluate(({ id, op, ops, keys }) => globalThis.__bench.runPrepared(id, op, ops, keys), { id, op, ops, keys });
        const cpu = (await threadMs()) - c0;
        // Run -1 is the warm-up.
        if (r >= 0) samples.push({ mode, op, opsPerSec: ops / (wall / 1000), opsPerCpuSec: ops / (cpu / 1000) });
      }
      await page.evaluate((id) => globalThis.__bench.finish(id), id);
    }
    process.stderr.write(`run ${r + 1}/${runs}\n`);
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  console.log(`Chromium ${browser.version()}, ${driver} driver, ${ops} ops per run, ${keys} keys, median of ${runs} runs (ops/s)`);
  console.log('| operation | per second of | plain | instrument() | overhead | instrument() + persisted stats | overhead |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  for (const op of ['set', 'get', 'set×100 concurrent']) {
    for (const [field, label] of [['opsPerCpuSec', 'main-thread CPU time'], ['opsPerSec', 'wall time']]) {
      const m = Object.fromEntries(modes.map((mode) => [mode, median(samples.filter((s) => s.op === op && s.mode === mode).map((s) => s[field]))]));
      console.log(`| ${op} | ${label} | ${Math.round(m.plain)} | ${Math.round(m.instrumented)} | ${pct(1 - m.instrumented / m.plain)} | ${Math.round(m.persisted)} | ${pct(1 - m.persisted / m.plain)} |`);
    }
  }
} finally {
  await browser.close();
}
