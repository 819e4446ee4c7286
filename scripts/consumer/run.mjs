#!/usr/bin/env node
// The consumer test (issue 19): what a new user does with the published packages, end to end.
// Builds and packs every package, lints the tarballs (publint, Are the Types Wrong), installs them
// into a Vite + TypeScript app outside the workspace, type-checks and builds it, imports every entry
// point in plain Node (no DOM), then runs the README's quick starts in real Chromium against the
// Firestore emulator started from its own tarball. Each check passes or fails on its own; one that
// cannot run because a check it needs failed counts as failed.
// Usage: node scripts/consumer/run.mjs [--report=FILE] [--keep]  (FILE gets { checks: [...] } as JSON;
// --keep leaves the temp dir for a look; it is also kept when something failed)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { assertNoTsLoader, createApp } from './app.mjs';
import { launchBrowser, runPage, runReadmeBlock } from './browser.mjs';
import { sh, stopServer } from './exec.mjs';
import { lintTarball, pack } from './pack.mjs';
import { allBlocks, memoryFallbacks, runNodeBlock, toReadmeLocations, typecheckInWorkspace, untaggedFences, writeBlocks } from './readme-blocks.mjs';
import { readEmulatorDoc, startPreview, startTarballEmulator } from './servers.mjs';
import { freePort } from '../free-port.mjs';
import { buildAll, publishedPackages } from '../workspace-packages.mjs';

const root = new URL('../..', import.meta.url).pathname;
const args = process.argv.slice(2);
const reportFile = args.find((a) => a.startsWith('--report='))?.slice('--report='.length);
const checks = [];

/** Runs `fn` as the check `name` unless a check of `needs` failed; records the outcome. */
async function check(name, fn, needs = []) {
  const started = Date.now();
  const blocked = needs.find((n) => !checks.find((c) => c.name === n)?.ok);
  let ok = false;
  let detail;
  if (blocked) detail = `not run: "${blocked}" failed`;
  else {
    try {
      detail = (await fn()) ?? '';
      ok = true;
    } catch (err) {
      detail = err?.stack ?? String(err);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  checks.push({ name, ok, seconds, detail });
  console.log(`${ok ? '✓' : '✗'} ${name} (${seconds.toFixed(1)}s)${ok ? (detail ? `: ${detail}` : '') : `\n  ${detail.replaceAll('\n', '\n  ')}`}`);
  return ok;
}

const base = mkdtempSync(join(tmpdir(), 'stowage-consumer-'));
const tarballDir = join(base, 'tarballs');
const appDir = join(base, 'app');
mkdirSync(tarballDir);
const packages = publishedPackages(root);
const tarballs = {};
const servers = [];
const readme = allBlocks(root);
// Blocks of the root README and of published packages go into the app; those of a private package
// (no user installs it) are type-checked in the workspace, against its sources, and not run.
const publishedReadmes = new Set(['README.md', ...packages.map((p) => relative(root, join(p.dir, 'README.md')))]);
const inApp = readme.filter((b) => publishedReadmes.has(b.file));
const inWorkspace = readme.filter((b) => !publishedReadmes.has(b.file));
const where = (b) => `${b.file}:${b.line}`;
let browser;
try {
  const built = 'build every package (clean tsc -b)';
  const packName = (p) => `pack ${p.name}: only dist, README, LICENSE; exports as in the workspace`;
  const readmeRules = 'README blocks: each opt-out says why, every fence names its language, no storage silently in memory';
  await check(readmeRules, () => {
    const problems = [...readme.flatMap(memoryFallbacks), ...untaggedFences(root).map((at) => `${at}: a code fence without a language (\`\`\`ts, \`\`\`sh, …)`)];
    if (problems.length) throw new Error(problems.join('\n'));
    const out = readme.filter((b) => b.reason);
    return `${readme.length} blocks, ${out.length} opted out: ${out.map((b) => `${where(b)} (${b.mode}: ${b.reason})`).join('; ')}`;
  });
  await check(`README blocks of private packages type-check in the workspace (${[...new Set(inWorkspace.map((b) => b.file))].join(', ')})`, () => {
    const errors = typecheckInWorkspace(root, inWorkspace);
    if (errors.length) throw new Error(errors.join('\n'));
    return `${inWorkspace.filter((b) => b.mode !== 'fragment').length} blocks`;
  });
  await check(built, () => buildAll(root));
  for (const p of packages) {
    await check(packName(p), () => {
      tarballs[p.name] = pack(p, tarballDir);
    }, [built]);
  }
  for (const p of packages) await check(`publint + attw ${p.name}`, () => lintTarball(root, tarballs[p.name]), [packName(p)]);
  const packed = packages.map(packName);
  const installed = 'install the tarballs into an app outside the workspace';
  await check(installed, () => createApp(root, appDir, tarballs), packed);
  await check('emulator tarball brings no TypeScript loader', () => assertNoTsLoader(appDir), [installed]);
  await check('app type-checks (tsc --noEmit, strict, skipLibCheck off)', () => void sh(join(appDir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: appDir }), [installed]);
  await check('app builds (vite build)', () => void sh(join(appDir, 'node_modules/.bin/vite'), ['build'], { cwd: appDir }), [installed]);
  const checked = inApp.filter((b) => b.mode !== 'fragment');
  const readmeTypes = 'README blocks type-check (strict, skipLibCheck off, each block a module)';
  await check(readmeTypes, () => {
    writeBlocks(inApp, join(appDir, 'readme/blocks'));
    try {
      sh(join(appDir, 'node_modules/.bin/tsc'), ['-p', 'readme/tsconfig.json'], { cwd: appDir });
    } catch (err) {
      throw new Error(toReadmeLocations(err.message, inApp), { cause: err });
    }
    return `${checked.length} blocks`;
  }, [installed]);
  const readmeBuilt = 'README blocks build (vite build readme/)';
  await check(readmeBuilt, () => void sh(join(appDir, 'node_modules/.bin/vite'), ['build', 'readme', '--base', '/readme/', '--outDir', '../dist/readme', '--emptyOutDir'], { cwd: appDir }), ['app builds (vite build)']);
  await check('every entry point imports in plain Node, no DOM', () => sh(process.execPath, ['node-imports.mjs'], { cwd: appDir, timeoutMs: 60_000 }).trim(), [installed]);

  let emulatorPort;
  const emulatorUp = 'npx stowage-firestore-emulator starts from its tarball';
  await check(emulatorUp, async () => {
    const { server, port } = await startTarballEmulator(appDir);
    servers.push(server);
    emulatorPort = port;
    return `port ${port}`;
  }, [installed]);
  const pageName = 'the README quick starts run in Chromium';
  let results = [];
  let origin;
  await check(pageName, async () => {
    const port = await freePort();
    servers.push(await startPreview(appDir, port));
    origin = `http://127.0.0.1:${port}`;
    browser = await launchBrowser();
    results = await runPage(browser, `${origin}/?emulator=${emulatorPort}`);
    return `${results.length} quick starts reported`;
  }, ['app builds (vite build)', emulatorUp]);
  for (const r of results) await check(`quick start in Chromium: ${r.name}`, () => {
    if (!r.ok) throw new Error(r.detail);
    return r.detail;
  });
  // Read back over the emulator's RPC (what the Lite SDK's getDoc sends), not through the page.
  const cloudDoc = (path) => readEmulatorDoc(emulatorPort, 'demo-consumer', path);
  await check('the offline queue\'s increment is in the emulator, once', async () => {
    const n = (await cloudDoc('stats/visits'))?.n?.integerValue;
    if (n !== '1') throw new Error(`stats/visits.n is ${JSON.stringify(n)}, expected "1"`);
    return 'stats/visits.n = 1';
  }, [pageName]);
  await check('createStowage\'s encrypted draft is in the emulator as ciphertext only', async () => {
    const fields = await cloudDoc('users/u2/kv/draft');
    if (!fields?.data?.bytesValue || fields.json !== undefined) throw new Error(`users/u2/kv/draft: ${JSON.stringify(fields)}`);
    return `data: ${fields.data.bytesValue.length} base64 chars, codecs ${JSON.stringify(fields.codecs?.arrayValue?.values?.map((v) => v.stringValue))}`;
  }, [pageName]);
  // After the checks above read the emulator: the README blocks write to other projects' documents anyway.
  // Three blocks at a time (each in its own context): most of a block's time is page load and waiting.
  const runs = new Map();
  const browserBlocks = inApp.filter((x) => x.mode === 'browser');
  if (checks.find((c) => c.name === pageName)?.ok && checks.find((c) => c.name === readmeBuilt)?.ok) {
    const queue = [...browserBlocks];
    const worker = async () => {
      for (let b = queue.shift(); b; b = queue.shift()) runs.set(b, await runReadmeBlock(browser, `${origin}/readme/`, b.id, emulatorPort).then((detail) => ({ detail }), (error) => ({ error })));
    };
    const started = Date.now();
    await Promise.all([worker(), worker(), worker()]);
    console.log(`  (${browserBlocks.length} README blocks ran in Chromium in ${((Date.now() - started) / 1000).toFixed(1)}s, 3 at a time)`);
  }
  for (const b of browserBlocks) {
    await check(`README block runs in Chromium: ${where(b)}`, () => {
      const r = runs.get(b);
      if (r.error) throw r.error;
      return r.detail;
    }, [pageName, readmeBuilt]);
  }
  for (const b of inApp.filter((x) => x.mode === 'node')) await check(`README block runs in Node: ${where(b)}`, () => runNodeBlock(appDir, b), [installed]);
} finally {
  await browser?.close();
  for (const s of servers) await stopServer(s);
}

const failed = checks.filter((c) => !c.ok);
if (reportFile) writeFileSync(reportFile, `${JSON.stringify({ checks }, null, 2)}\n`);
if (failed.length || args.includes('--keep')) console.log(`consumer test files kept in ${base}`);
else rmSync(base, { recursive: true, force: true });
console.log(`consumer: ${checks.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
