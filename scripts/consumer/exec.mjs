// Running the commands of the consumer test: quiet when they work, the tail of their output when
// they do not (a step's full log would bury the one line that says what broke).
import { spawn, spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';

/** Runs `cmd args` in `cwd`, resolving to its output; throws with the output's tail if it fails. */
export function sh(cmd, args, { cwd, env = {}, timeoutMs = 5 * 60_000 } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(`${[cmd, ...args].join(' ')} (in ${cwd}): ${why}\n${tail(output)}`);
  }
  return output;
}

/** The last `lines` lines of `text`. */
export function tail(text, lines = 40) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Starts a long-running `cmd args` (a server) and resolves once a line of its output matches
 * `ready`, to `{ child, match, output() }`; rejects if it exits or stays silent for `timeoutMs`.
 */
export function startServer(cmd, args, { cwd, ready, timeoutMs = 30_000 }) {
  // Colours off, and stripped anyway: with CI set, tools colour their output (Vite prints the port
  // of its URL in bold), and a `ready` pattern must match the text, not the escape codes.
  const { FORCE_COLOR: _force, ...env } = process.env;
  // A process group of its own: `npx x` runs x as a child that a SIGTERM to npx leaves running (an
  // emulator per run stayed behind), so the whole group is signalled.
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '1' }, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  stopAllOnExit();
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`no line matching ${ready} within ${timeoutMs} ms`), timeoutMs);
    function fail(why) {
      clearTimeout(timer);
      killGroup(child);
      reject(new Error(`${[cmd, ...args].join(' ')}: ${why}\n${tail(output)}`));
    }
    const onData = (chunk) => {
      output += stripVTControlCharacters(String(chunk));
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(`exited (${code}) before it was ready`));
  });
}

/** Stops a server started by {@link startServer} and waits for it to exit. */
export function stopServer(server) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    killGroup(child);
  });
}

const live = new Set();
let hooked = false;

/**
 * Out of their parent's process group, servers no longer get a terminal's Ctrl-C: whatever is
 * still running is stopped when this process exits, or is interrupted or terminated.
 */
function stopAllOnExit() {
  if (hooked) return;
  hooked = true;
  const stopAll = () => {
    for (const child of live) killGroup(child);
  };
  process.once('exit', stopAll);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      stopAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
}

/** SIGTERM to the process group of a child started by {@link startServer} (it and its children). */
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM'); // the group is gone already
  }
}
