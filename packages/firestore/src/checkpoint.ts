import { Timestamp } from 'firebase/firestore/lite';
import { StowageError } from '@stowage/core';
import type { Checkpoint } from '@stowage/sync';
import { isValidDocId } from '@stowage/sync';

/** Position in the pull order: the server time and document id of the last document seen. */
export interface Position {
  time: Timestamp;
  docId: string;
}

const FORMAT = /^fs1:(-?\d{1,12}):(\d{1,9}):([\s\S]+)$/;

/** `fs1:{seconds}:{nanoseconds}:{docId}` — a plain string, JSON-safe, exact (no float rounding). */
export function formatCheckpoint({ time, docId }: Position): Checkpoint {
  return `fs1:${time.seconds}:${time.nanoseconds}:${docId}`;
}

/** Parses a checkpoint of {@link formatCheckpoint}; `invalid-argument` for anything else. */
export function parseCheckpoint(checkpoint: unknown): Position | undefined {
  if (checkpoint === undefined) return undefined;
  const m = typeof checkpoint === 'string' ? FORMAT.exec(checkpoint) : null;
  if (!m || !isValidDocId(m[3])) throw new StowageError('invalid-argument', 'not a checkpoint of a Firestore remote', { details: { checkpoint } });
  return { time: new Timestamp(Number(m[1]), Number(m[2])), docId: m[3] };
}
