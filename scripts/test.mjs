#!/usr/bin/env node
// Runs every check and test suite of the repo and ends with one line: "N passed, N failed".
// Suites: typecheck, lint, the dependency-direction, TSDoc, export-name, Markdown-link and bundle-size checks (one test each), the
// consumer test (the packed packages installed into an app outside the workspace; one test per check),
// Vitest (unit + real Chromium browser projects) and Playwright e2e against the demo. Exits non-zero
// if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from './bootstrap.mjs';
import { freePort } from './free-port.mjs';

const root = new URL('..', import.meta.url).pathname;
try {
  bootstrap({ chromium: true });
} catch (err) {
  console.error(`setup failed: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const out = join(root, '.test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];

function run(name, cmd, args, env = {}) {
  console.log(`\n━━ ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return { status: r.status ?? 1, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function check(name, cmd, args) {
  const r = run(name, cmd, args);
  const ok = r.status === 0;
  totals[ok ? 'passed' : 'failed'] += 1;
  rows.push(`${name.padEnd(12)} ${ok ? 'ok' : 'FAILED'} (${r.seconds}s)`);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const bin = (n) => join(root, 'node_modules', '.bin', n);

check('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
check('lint', bin('eslint'), ['.', '--max-warnings', '0']);
check('deps', process.execPath, [join(root, 'scripts/check-deps.mjs')]);
check('docs', process.execPath, [join(root, 'scripts/check-docs.mjs')]);
check('names', process.execPath, [join(root, 'scripts/check-export-names.mjs')]);
check('links', process.execPath, [join(root, 'scripts/check-links.mjs')]);
check('size', process.execPath, [join(root, 'scripts/size-check.mjs')]);

{
  const file = join(out, 'consumer.json');
  const r = run('consumer', process.execPath, [join(root, 'scripts/consumer/run.mjs'), `--report=${file}`]);
  const checks = readJson(file)?.checks;
  if (checks) {
    const failed = checks.filter((c) => !c.ok).length;
    totals.passed += checks.length - failed;
    totals.failed += failed;
    if (r.status !== 0 && failed === 0) totals.failed += 1;
    rows.push(`consumer     ${checks.length - failed} passed, ${failed} failed (${r.seconds}s)`);
  } else {
    totals.failed += 1;
    rows.push(`consumer     crashed, no report (${r.seconds}s)`);
  }
}

{
  const file = join(out, 'vitest.json');
  const r = run('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  const j = readJson(file);
  if (j) {
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests;
    totals.skipped += j.numPendingTests + j.numTodoTests;
    // A crash outside any test (unhandled error, failing suite import) still fails the run.
    if (r.status !== 0 && j.numFailedTests === 0) totals.failed += 1;
    rows.push(`vitest       ${j.numPassedTests} passed, ${j.numFailedTests} failed (${r.seconds}s)`);
  } else {
    totals.failed += 1;
    rows.push(`vitest       crashed, no report (${r.seconds}s)`);
  }
}

const specs = existsSync(join(root, 'e2e')) ? readdirSync(join(root, 'e2e'), { recursive: true }).filter((f) => String(f).endsWith('.spec.ts')) : [];
if (specs.length > 0) {
  const file = join(out, 'playwright.json');
  const ports = {
    E2E_PORT: process.env.E2E_PORT ?? String(await freePort()),
    E2E_EMULATOR_PORT: process.env.E2E_EMULATOR_PORT ?? String(await freePort()),
  };
  const r = run('e2e', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file, ...ports });
  const j = readJson(file);
  if (j?.stats) {
    const { expected, unexpected, flaky, skipped } = j.stats;
    totals.passed += expected + flaky;
    totals.failed += unexpected;
    totals.skipped += skipped;
    if (r.status !== 0 && unexpected === 0) totals.failed += 1;
    rows.push(`e2e          ${expected + flaky} passed, ${unexpected} failed${flaky ? ` (${flaky} flaky)` : ''} (${r.seconds}s)`);
  } else {
    totals.failed += 1;
    rows.push(`e2e          crashed, no report (${r.seconds}s)`);
  }
}

console.log('\n━━ summary');
for (const row of rows) console.log(row);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
