import { StowageError } from '@stowage/core';
import { parseArgs } from 'node:util';
import type { EmulatorOptions } from './start-emulator.js';

/** What the command line asks for. */
export interface CliOptions extends EmulatorOptions {
  /** `--help` was given. */
  help: boolean;
}

/** Usage text of `stowage-firestore-emulator`. */
export const USAGE = `Usage: stowage-firestore-emulator [--host 127.0.0.1] [--port 8080] [--data ./file.json] [--rules open|owner]

  --host   interface to listen on                  (default 127.0.0.1)
  --port   TCP port, 0 = any free port             (default 8080)
  --data   JSON file to load and persist state in  (default: memory only)
  --rules  'open', or 'owner' = users/{uid}/... only (default open)
`;

/** Parses CLI arguments; bad input is a `StowageError('invalid-argument')` with the usage in its message. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8080' },
        data: { type: 'string' },
        rules: { type: 'string', default: 'open' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new StowageError('invalid-argument', `${(err as Error).message}\n${USAGE}`, { cause: err });
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new StowageError('invalid-argument', `--port must be an integer in 0–65535, got "${values.port}"\n${USAGE}`);
  }
  if (values.rules !== 'open' && values.rules !== 'owner') {
    throw new StowageError('invalid-argument', `--rules must be "open" or "owner", got "${values.rules}"\n${USAGE}`);
  }
  return {
    host: values.host,
    port,
    rules: values.rules,
    help: values.help,
    ...(values.data !== undefined ? { dataFile: values.data } : {}),
  };
}
