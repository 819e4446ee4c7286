// A child process of `npm start` whose output is printed line by line, tagged with its name.
import { spawn } from 'node:child_process';

/**
 * Spawns `cmd args` with `env` added to this process's environment and prints each line it writes
 * (stdout and stderr) as `[name] line`, so the services' logs stay apart in one terminal.
 */
export function startChild(name, cmd, args, { cwd, env = {} }) {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) if (l.trim()) console.log(`[${name}] ${l}`);
    });
  }
  return child;
}
