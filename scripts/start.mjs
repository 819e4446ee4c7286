#!/usr/bin/env node
// `npm start`: installs what is missing, starts the local Firestore emulator (data kept in
// .data/firestore.json, git-ignored) and the demo's Vite dev server, prints the URL, and stops both
// on Ctrl-C. Ports: EMULATOR_PORT (default 8080) and DEMO_PORT (default 5173).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from './bootstrap.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = bootstrap();
const host = '127.0.0.1';
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 8080);
const demoPort = Number(process.env.DEMO_PORT ?? 5173);
mkdirSync(join(root, '.data'), { recursive: true });

const children = [];
function start(name, cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const tag = (line) => `[${name}] ${line}`;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) if (l.trim()) console.log(tag(l));
    });
  }
  child.on('exit', (code) => {
    console.log(tag(`exited (${code})`));
    shutdown(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

start('emulator', process.execPath, [
  join(root, 'packages/firestore-emulator/bin/stowage-firestore-emulator.mjs'),
  '--host', host, '--port', String(emulatorPort), '--data', join(root, '.data/firestore.json'),
]);
start('demo', join(bin, 'vite'), ['apps/demo', '--host', host, '--port', String(demoPort), '--strictPort'], {
  VITE_FIRESTORE_EMULATOR: `${host}:${emulatorPort}`,
});
console.log(`\nStowage demo:       http://${host}:${demoPort}/\nFirestore emulator: http://${host}:${emulatorPort}/  (data: .data/firestore.json)\nCtrl-C stops both.\n`);
