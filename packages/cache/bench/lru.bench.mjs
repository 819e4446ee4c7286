#!/usr/bin/env node
// Node runner of the LRU benchmark: `node packages/cache/bench/lru.bench.mjs [--runs 7] [--ops 1000000] [--json]`.
// Prints ops/s (median of the runs) per contender and the ratio of createLruCache to lru-cache.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle } from './build-bench.mjs';
import { printReport } from './report.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const code = await bundle('./lru-workload.ts');
const dir = mkdtempSync(join(tmpdir(), 'stowage-bench-'));
try {
  const file = join(dir, 'bench.mjs');
  writeFileSync(file, code);
  const { runLruBench } = await import(pathToFileURL(file).href);
  const fi = process.argv.indexOf('--filter');
  const filter = fi > 0 ? process.argv[fi + 1] : undefined;
  const report = runLruBench({ runs: arg('runs', 7), ops: arg('ops', 1_000_000), filter, log: (l) => process.stderr.write(`${l}\n`) });
  printReport({ environment: `Node ${process.version}`, ...report }, process.argv.includes('--json'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
