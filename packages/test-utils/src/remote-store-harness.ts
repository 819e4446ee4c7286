import { expect } from 'vitest';
import { isRetryable, StowageError } from '@stowage/core';
import type { RemoteChange, RemoteDoc, RemoteStore } from '@stowage/sync';

/*
 * What the RemoteStore conformance files share: the harness a test runs against and small helpers
 * (kept apart from the suite's entry point, which imports every part of the suite).
 */

/** Failure injection a harness offers; every implementation maps it to its own transport. */
export interface RemoteStoreFaults {
  /** The next `count` calls fail in transport (nothing applied) with a retryable error. */
  failNext(count: number): Promise<void>;
  /** The next push/apply is applied remotely, but its acknowledgement is lost (the call rejects). */
  loseNextAck(): Promise<void>;
}

/** One fresh, empty remote for one test. */
export interface RemoteStoreHarness {
  remote: RemoteStore;
  faults: RemoteStoreFaults;
  /** Reads a document written by `apply` as the remote holds it (`undefined` when absent). */
  readDoc(collection: string, doc: string): Promise<Record<string, unknown> | undefined>;
  /** Releases what the harness created (apps, connections). */
  dispose?(): Promise<void>;
}

/** Accessor of the current test's harness. */
export type CurrentHarness = () => RemoteStoreHarness;

let seq = 0;
/** A collection id unique to this run, so tests sharing a backend never see each other's documents. */
export function uniqueCollection(prefix = 'c'): string {
  return `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** A change with defaults: a live JSON value, no base, origin `'A'`. */
export function change(key: string, hlc: string, extra: Partial<RemoteChange> = {}): RemoteChange {
  return { key, hlc, origin: 'A', base: null, deleted: false, value: { hlc }, ...extra };
}

/**
 * Awaits a call whose acknowledgement was lost. Usually it rejects with a retryable error. A browser
 * may instead re-send the request on its own (Chromium does when a reused connection drops before
 * the response), and the remote, finding its own write, resolves: then `resolved` checks the result.
 */
export async function expectLostAck<T>(call: Promise<T>, resolved: (result: T) => void): Promise<void> {
  const result = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('error' in result) {
    expect(result.error).toBeInstanceOf(StowageError);
    expect(isRetryable(result.error)).toBe(true);
  } else {
    resolved(result.value);
  }
}

/** Pulls everything after `checkpoint` in pages of `limit`. */
export async function pullAll(remote: RemoteStore, checkpoint?: string, limit = 50): Promise<{ docs: RemoteDoc[]; checkpoint: string | undefined }> {
  const docs: RemoteDoc[] = [];
  for (;;) {
    const page = await remote.pull(checkpoint, limit);
    docs.push(...page.docs);
    if (page.docs.length === 0) return { docs, checkpoint };
    checkpoint = page.checkpoint;
  }
}
