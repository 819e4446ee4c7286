// Makes a fresh machine ready for the README's commands: pnpm (via npm — corepack's signature check
// fails on some machines), the workspace's dependencies, and (for tests) Debian's Chromium, since
// Playwright cannot download its own browser here. Idempotent and quick when everything is present.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status === 0;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Ensures pnpm, dependencies and optionally Chromium; throws with a clear message when it cannot. */
export function bootstrap({ chromium = false } = {}) {
  if (!has('pnpm')) {
    console.log('bootstrap: installing pnpm@10 with npm');
    if (!sh('npm', ['install', '-g', 'pnpm@10'], { stdio: 'ignore' })) throw new Error('could not install pnpm (npm install -g pnpm@10)');
  }
  console.log('bootstrap: pnpm install');
  if (!sh('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'])) throw new Error('pnpm install failed');
  if (chromium && !process.env.CHROMIUM_PATH && !existsSync('/usr/bin/chromium')) {
    console.log('bootstrap: installing Debian chromium (apt-get)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const ok = sh('apt-get', ['update', '-qq'], { env, stdio: 'ignore' }) && sh('apt-get', ['install', '-y', '-qq', 'chromium'], { env, stdio: 'ignore' });
    if (!ok) throw new Error('could not install chromium: run `apt-get install -y chromium` as root, or set CHROMIUM_PATH');
  }
  return join(root, 'node_modules', '.bin');
}
