// The consumer app: a Vite + TypeScript project in the OS temp dir — outside the workspace, so no
// workspace links, no pnpm-workspace.yaml above it and no `source` condition — whose @stowage
// packages come from the tarballs alone.
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './exec.mjs';

const template = new URL('./app', import.meta.url).pathname;

/** The version of `name` installed at the workspace root (the app uses the same vite and typescript). */
function workspaceVersion(root, name) {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** The firebase version @stowage/firestore is tested with (its devDependency), within its peer range. */
function testedFirebase(root) {
  return JSON.parse(readFileSync(join(root, 'packages/firestore/package.json'), 'utf8')).devDependencies.firebase;
}

/** The localforage version @stowage/drivers depends on: the drivers README imports it as an app would. */
function driversLocalforage(root) {
  return JSON.parse(readFileSync(join(root, 'packages/drivers/package.json'), 'utf8')).dependencies.localforage;
}

/**
 * Creates the app in `dir` (under the OS temp dir) and installs `tarballs` (`{ [packageName]: path }`) into it with pnpm, from the
 * workspace's store (so it is fast and mostly offline). Overrides make the packages' dependencies
 * on each other resolve to the tarballs too, never to the registry.
 */
export function createApp(root, dir, tarballs) {
  cpSync(template, dir, { recursive: true });
  const fromTarballs = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  const pkg = {
    name: 'stowage-consumer-app',
    private: true,
    type: 'module',
    dependencies: { ...fromTarballs, firebase: testedFirebase(root), localforage: driversLocalforage(root) },
    devDependencies: { typescript: workspaceVersion(root, 'typescript'), vite: workspaceVersion(root, 'vite') },
    pnpm: { overrides: fromTarballs },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const store = sh('pnpm', ['store', 'path'], { cwd: root }).trim();
  sh('pnpm', ['install', '--ignore-workspace', '--prefer-offline', '--store-dir', store, '--reporter=append-only'], { cwd: dir });
}

/** Throws if a TypeScript loader got into the app: the emulator's bin must run as plain JS. */
export function assertNoTsLoader(dir) {
  const installed = readdirSync(join(dir, 'node_modules/.pnpm'));
  const loaders = installed.filter((d) => /^(tsx|ts-node|@esbuild-kit)[@+]/.test(d));
  if (loaders.length) throw new Error(`the tarballs pulled in a TypeScript loader: ${loaders.join(', ')}`);
  if (!existsSync(join(dir, 'node_modules/.bin/stowage-firestore-emulator'))) throw new Error('no stowage-firestore-emulator bin in the app');
}
