import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/** Where the emulators started for browser tests listen (read with `inject('firestoreEmulator')`). */
export interface ProvidedEmulators {
  readonly host: string;
  /** Emulator with open rules. */
  readonly port: number;
  /** Emulator with `rules: 'owner'`. */
  readonly ownerPort: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreEmulator: ProvidedEmulators;
  }
}

const BIN = fileURLToPath(new URL('../bin/stowage-firestore-emulator.mjs', import.meta.url));

/**
 * Runs the CLI as a child process and resolves once it prints its URL. A child process (rather than
 * an in-process import) keeps the emulator independent of how Vitest resolves modules for global
 * setup files, and exercises the shipped CLI on every browser run.
 */
function launch(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [BIN, '--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`Firestore emulator exited early (code ${code}): ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Vitest `globalSetup`: starts two emulators on free ports (open rules and `--rules owner`), hands
 * their ports to test pages via `provide`, and stops them after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [open, owner] = await Promise.all([launch([]), launch(['--rules', 'owner'])]);
  project.provide('firestoreEmulator', { host: '127.0.0.1', port: open.port, ownerPort: owner.port });
  return async () => {
    await Promise.all([stop(open.child), stop(owner.child)]);
  };
}
