#!/usr/bin/env node
// Overhead of instrument() on set/get throughput, in Node on the memory driver (the fastest storage,
// so the relative cost of the layer is the largest it can be).
//   node packages/analytics/bench/overhead.mjs [--runs 9] [--ops 20000] [--keys 1000] [--json]
// Modes run interleaved (plain, instrumented, persisted, plain, …) so drift hits all alike; each
// figure is the median over runs. Overhead = 1 − instrumented ops/s ÷ plain ops/s, per second of
// this process's CPU time (steady on a shared machine) and of wall-clock time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 9);
const ops = arg('ops', 20_000);
const keys = arg('keys', 1000);

const out = await build({
  configFile: false,
  logLevel: 'warn',
  resolve: { conditions: ['source', 'module'] },
  build: {
    write: false,
    minify: false,
    target: 'es2022',
    lib: { entry: fileURLToPath(new URL('./overhead-workload.ts', import.meta.url)), formats: ['es'], fileName: 'overhead' },
  },
});
const chunk = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).find((c) => c.type === 'chunk' && c.isEntry);
const dir = mkdtempSync(join(tmpdir(), 'stowage-analytics-bench-'));
try {
  const file = join(dir, 'overhead.mjs');
  writeFileSync(file, chunk.code);
  const { runOnce } = await import(pathToFileURL(file).href);
  const modes = ['plain', 'instrumented', 'persisted'];
  await runOnce('plain', ops / 4, keys); // warm-up
  await runOnce('instrumented', ops / 4, keys);
  const samples = [];
  for (let r = 0; r < runs; r++) {
    for (const mode of r % 2 ? [...modes].reverse() : modes) samples.push(...(await runOnce(mode, ops, keys)));
    process.stderr.write(`run ${r + 1}/${runs}\n`);
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const rows = [];
  for (const op of ['set', 'get', 'set×100 concurrent']) {
    for (const basis of ['cpu', 'wall']) {
      const field = basis === 'cpu' ? 'opsPerCpuSec' : 'opsPerSec';
      const m = Object.fromEntries(modes.map((mode) => [mode, median(samples.filter((s) => s.op === op && s.mode === mode).map((s) => s[field]))]));
      rows.push({
        op,
        basis,
        plain: Math.round(m.plain),
        instrumented: Math.round(m.instrumented),
        persisted: Math.round(m.persisted),
        overhead: 1 - m.instrumented / m.plain,
        overheadPersisted: 1 - m.persisted / m.plain,
      });
    }
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, runs, ops, keys, rows }, null, 2));
  } else {
    console.log(`Node ${process.version}, memory driver, ${ops} ops per run, ${keys} keys, median of ${runs} runs (ops/s)`);
    console.log('| operation | per second of | plain | instrument() | overhead | instrument() + persisted stats | overhead |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    const pct = (x) => `${(x * 100).toFixed(1)} %`;
    for (const r of rows) console.log(`| ${r.op} | ${r.basis === 'cpu' ? 'CPU time' : 'wall time'} | ${r.plain} | ${r.instrumented} | ${pct(r.overhead)} | ${r.persisted} | ${pct(r.overheadPersisted)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
