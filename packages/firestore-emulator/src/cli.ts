import { isStowageError } from '@stowage/core';
import { parseCliArgs, USAGE } from './cli-args.js';
import { startEmulator } from './start-emulator.js';

/**
 * Entry point of `stowage-firestore-emulator`: starts the emulator, prints its URL, and on
 * SIGINT/SIGTERM stops it cleanly (the data file is flushed before the process exits).
 */
export async function main(argv: readonly string[]): Promise<void> {
  let options;
  try {
    options = parseCliArgs(argv);
  } catch (err) {
    console.error(isStowageError(err) ? err.message : err);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { help: _help, ...emulatorOptions } = options;
  const emulator = await startEmulator(emulatorOptions);
  console.log(`Firestore emulator listening on ${emulator.url} (rules: ${options.rules ?? 'open'}${options.dataFile ? `, data: ${options.dataFile}` : ''})`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => {
        console.log(`Firestore emulator stopped (${signal}).`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error('Firestore emulator failed to stop cleanly:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
