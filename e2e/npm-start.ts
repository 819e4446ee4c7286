import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../scripts/free-port.mjs';

/** `npm start` running in the background, as a person would have it in a terminal. */
export interface NpmStart {
  /** The demo URL the command printed. */
  readonly url: string;
  /** Seconds from spawning the command to the URL being printed. */
  readonly readySeconds: number;
  /** Everything the command printed so far (for failure messages). */
  output(): string;
  /** Ctrl-C: SIGINT to the command's process group; resolves once the command has exited. Idempotent. */
  stop(): Promise<void>;
}

const root = new URL('..', import.meta.url).pathname;

/**
 * Runs the README's `npm start` on free ports with its data (emulator file, build) in a temporary
 * folder, and resolves once it printed the demo URL (it prints it only when the page answers).
 * The command gets its own process group so `stop()` reaches npm, the script and both servers at
 * once, like Ctrl-C in a terminal.
 */
export async function npmStart(timeoutMs = 60_000): Promise<NpmStart> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-npm-start-'));
  const env = { ...process.env, DEMO_PORT: String(await freePort()), EMULATOR_PORT: String(await freePort()), STOWAGE_DATA_DIR: dataDir };
  const started = Date.now();
  const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      output += String(d);
      const m = /Stowage demo:\s+(http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`npm start exited before printing a URL:\n${output}`)));
  }).catch(async (err: unknown) => {
    await stopGroup(child, exited);
    throw err;
  });
  const readySeconds = (Date.now() - started) / 1000;
  let stopping: Promise<void> | undefined;
  return {
    url,
    readySeconds,
    output: () => output,
    stop: () => (stopping ??= stopGroup(child, exited).then(() => rm(dataDir, { recursive: true, force: true }))),
  };
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {
      // The group is already gone.
    }
  }
  await exited;
}
