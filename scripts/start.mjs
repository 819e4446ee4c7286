#!/usr/bin/env node
// `npm start`: installs what is missing, starts the local Firestore emulator, builds the demo and
// serves the build (`vite build` + `vite preview`), prints the URL once both answer, and stops
// everything on Ctrl-C.
//
// Why a production build and not the Vite dev server: the service worker can only precache a
// build (hashed files listed in its manifest, precache-plugin.ts). Under the dev server modules are
// made on request, the worker caches nothing, and a reload with the server stopped fails — so the
// page's "works offline" would be false. The build takes a second or two here (Rolldown); the
// price is no hot reload: `npm start -- --dev` runs the dev server instead (and the page says it
// will not load offline).
//
// Environment: EMULATOR_PORT (default 8080), DEMO_PORT (default 5173), STOWAGE_DATA_DIR (default
// .data: the emulator's firestore.json and the build in demo-dist/; git-ignored). The e2e spec of
// this script points STOWAGE_DATA_DIR at a temporary folder so it never touches a developer's data.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bootstrap } from './bootstrap.mjs';
import { startChild } from './start-child.mjs';
import { waitForUrl } from './wait-for-url.mjs';

const started = Date.now();
const root = new URL('..', import.meta.url).pathname;
const dev = process.argv.includes('--dev');
const bin = bootstrap();
const host = '127.0.0.1';
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8080);
const demoPort = Number(process.env.DEMO_PORT ?? 5173);
const dataDir = resolve(root, process.env.STOWAGE_DATA_DIR ?? '.data');
const outDir = join(dataDir, 'demo-dist');
mkdirSync(dataDir, { recursive: true });
const demoUrl = `http://${host}:${demoPort}/`;
const emulatorUrl = `http://${host}:${emulatorPort}/`;
const viteEnv = { VITE_FIRESTORE_EMULATOR: `${host}:${emulatorPort}` };

const children = [];
let stopping = false;
/** Stops every child and exits once they are gone (a child that ignores SIGTERM gets SIGKILL after 3 s). */
function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  if (alive.length === 0) process.exit(code);
  let left = alive.length;
  for (const c of alive) {
    c.once('exit', () => --left === 0 && process.exit(code));
    c.kill('SIGTERM');
  }
  setTimeout(() => {
    for (const c of alive) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(code);
  }, 3000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

/** A long-running child: its exit (a crash, a port in use) stops the rest. */
const service = (name, cmd, args, env) => {
  const child = startChild(name, cmd, args, { cwd: root, env });
  child.on('exit', (code, signal) => {
    if (!stopping) console.log(`[${name}] exited (${code ?? signal}); stopping`);
    shutdown(code ?? 1);
  });
  children.push(child);
  return child;
};

service('emulator', process.execPath, [
  join(root, 'packages/firestore-emulator/bin/stowage-firestore-emulator.mjs'),
  '--host', host, '--port', String(emulatorPort), '--data', join(dataDir, 'firestore.json'),
]);

const vite = join(bin, 'vite');
const serveArgs = ['apps/demo', '--host', host, '--port', String(demoPort), '--strictPort'];
if (dev) {
  service('demo', vite, serveArgs, viteEnv);
} else {
  console.log('building the demo…');
  const build = startChild('build', vite, ['build', 'apps/demo', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, env: viteEnv });
  children.push(build);
  const code = await new Promise((done) => build.on('exit', (c) => done(c ?? 1)));
  if (code !== 0) {
    console.error('the demo build failed (above); stopping');
    shutdown(code);
  } else {
    service('demo', vite, ['preview', ...serveArgs, '--outDir', outDir], viteEnv);
  }
}

if (!stopping) {
  try {
    await Promise.all([waitForUrl(demoUrl), waitForUrl(emulatorUrl)]);
  } catch (err) {
    console.error(String(err));
    shutdown(1);
  }
}
if (!stopping) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const mode = dev
    ? 'Vite dev server: hot reload, but the app shell is NOT cached (no offline reload)'
    : 'production build: after the first load the page also loads with the server stopped';
  console.log(
    `\nStowage demo:       ${demoUrl}  (${mode})\nFirestore emulator: ${emulatorUrl}  (data: ${join(dataDir, 'firestore.json')})\n` +
      `ready in ${seconds} s · Ctrl-C stops both.\n`,
  );
}
