import { StowageError } from '@stowage/core';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { StoreSnapshot } from './store.js';

/** Options of {@link createPersistence}. */
export interface PersistenceOptions {
  /** JSON file holding the store. */
  file: string;
  /** Writes are coalesced for this long after a change. @default 25 */
  debounceMs?: number;
  /** Produces the state to write. */
  snapshot: () => StoreSnapshot;
}

/** Debounced, crash-safe writer of the store file. */
export interface Persistence {
  /** Marks the state dirty; a write follows after the debounce delay. */
  schedule(): void;
  /** Writes now if anything is pending (or a write is running) and waits for it. */
  flush(): Promise<void>;
  /** How many complete files have been written (for tests and diagnostics). */
  readonly writes: number;
}

let tempCounter = 0;

/**
 * Replaces `file` atomically: the bytes go to a temp file in the same directory (same filesystem,
 * so `rename` is atomic), are fsynced, and only then renamed over the target; the directory is
 * fsynced so the rename itself survives a power cut. A crash at any point leaves either the old
 * or the new complete file, never a torn one.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${++tempCounter}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/**
 * Reads a store file. A missing file is an empty store; a file that exists but is not a store is
 * refused with `decode-failed` rather than silently overwritten (that would lose the user's data).
 */
export async function loadSnapshot(file: string): Promise<StoreSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StowageError('unavailable', `Cannot read emulator data file ${file}`, { cause: err, details: { file } });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StowageError('decode-failed', `Emulator data file ${file} is not valid JSON`, { cause: err, details: { file } });
  }
  const snap = parsed as Partial<StoreSnapshot>;
  if (snap?.format !== 'stowage-firestore-emulator' || snap.version !== 1 || typeof snap.databases !== 'object' || typeof snap.lastTime !== 'number') {
    throw new StowageError('decode-failed', `Emulator data file ${file} has an unknown format`, { details: { file } });
  }
  return snap as StoreSnapshot;
}

/** Creates the debounced writer; at most one write runs at a time and the last state always lands. */
export function createPersistence({ file, debounceMs = 25, snapshot }: PersistenceOptions): Persistence {
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  let running: Promise<void> | undefined;
  let writes = 0;

  const run = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      // Snapshot right before writing so the file reflects every commit made until now.
      await writeFileAtomic(file, JSON.stringify(snapshot()));
      writes++;
    }
  };
  const arm = (): void => {
    if (timer || running) return;
    timer = setTimeout(() => {
      timer = undefined;
      start().catch((err: unknown) => console.error('[firestore-emulator] persisting failed:', err));
    }, debounceMs);
  };
  const start = (): Promise<void> => {
    if (!running) {
      running = run().finally(() => {
        running = undefined;
        // A change that raced with the end of the loop still gets written.
        if (dirty) arm();
      });
    }
    return running;
  };

  return {
    schedule() {
      dirty = true;
      arm();
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      while (running) await running;
      if (dirty) await start();
    },
    get writes() {
      return writes;
    },
  };
}
