#!/usr/bin/env node
// Chromium runner of the LRU benchmark, interleaved like the Node one: the same bundle runs in a
// blank headless Chromium page. `node packages/cache/bench/lru.chromium.mjs [--runs 7] [--filter re] [--json]`.
// (apps/bench's `lru-cache` group runs the same contenders one after another inside the bench page.)
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../../scripts/chromium.js';
import { bundle } from './build-bench.mjs';
import { printReport } from './report.mjs';

const flag = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const code = await bundle('./lru-workload.ts');
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage();
  page.on('console', (msg) => process.stderr.write(`${msg.text()}\n`));
  await page.goto('about:blank');
  // The ES bundle's exports become a global: a module script cannot hand them to evaluate() otherwise.
  await page.addScriptTag({ type: 'module', content: `${code.replace(/^export \{([^}]*)\};?\s*$/m, 'globalThis.__bench = {$1};')}` });
  await page.waitForFunction(() => typeof globalThis.__bench?.runLruBench === 'function');
  const options = { runs: Number(flag('runs') ?? 7), ops: Number(flag('ops') ?? 1_000_000), filter: flag('filter') };
  const report = await page.evaluate((o) => globalThis.__bench.runLruBench({ ...o, log: (l) => console.log(l) }), options);
  printReport({ environment: `Chromium ${browser.version()}`, ...report }, process.argv.includes('--json'));
} finally {
  await browser.close();
}
