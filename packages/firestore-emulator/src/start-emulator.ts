import { StowageError } from '@stowage/core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultEngine, type FaultController } from './faults.js';
import { createRequestHandler, type ServerState } from './http-server.js';
import { createPersistence, loadSnapshot, type Persistence } from './persistence.js';
import type { RulesMode } from './rules.js';
import { emptyStats, type EmulatorStats } from './stats.js';
import { DocumentStore } from './store.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Interface to listen on. Keep it on loopback. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one (read it from the handle). @default 0 */
  port?: number;
  /** JSON file to load at start and to write (atomically, debounced) after changes. @default none (memory only) */
  dataFile?: string;
  /** `'owner'` confines each mock user to `users/{uid}/…` (see `firestore.rules`). @default 'open' */
  rules?: RulesMode;
  /** Debounce of data-file writes in milliseconds. @default 25 */
  persistDebounceMs?: number;
}

/** A running emulator. */
export interface EmulatorHandle {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  /** Fault injection (the same engine `POST /emulator/faults` drives). */
  readonly faults: FaultController;
  /** Requests received so far, per RPC. */
  stats(): EmulatorStats;
  /** Zeroes the request counters. */
  resetStats(): void;
  /** Deletes every document of every project/database, clears faults and counters. */
  reset(): Promise<void>;
  /** Closes the server (dropping hung requests and open sockets) and flushes the data file. */
  stop(): Promise<void>;
}

function checkOptions(options: EmulatorOptions): void {
  const { port, rules, host } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new StowageError('invalid-argument', `port must be an integer in 0–65535, got ${String(port)}`, { details: { port } });
  }
  if (rules !== undefined && rules !== 'open' && rules !== 'owner') {
    throw new StowageError('invalid-argument', `rules must be 'open' or 'owner', got ${String(rules)}`, { details: { rules } });
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new StowageError('invalid-argument', 'host must be a non-empty string', { details: { host } });
  }
}

/**
 * Starts a Firestore REST emulator in this process, serving
 * `/v1/projects/{p}/databases/{d}/documents…` for any project and database, with the RPCs that
 * `firebase/firestore/lite` uses. Point the SDK at it with `connectFirestoreEmulator(db, host, port)`.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  checkOptions(options);
  const { host = '127.0.0.1', port = 0, dataFile, rules = 'open', persistDebounceMs = 25 } = options;
  const store = new DocumentStore();
  let persistence: Persistence | undefined;
  if (dataFile !== undefined) {
    const snapshot = await loadSnapshot(dataFile);
    if (snapshot) store.load(snapshot);
    persistence = createPersistence({ file: dataFile, debounceMs: persistDebounceMs, snapshot: () => store.snapshot() });
    const p = persistence;
    store.onChange(() => p.schedule());
  }
  const faults = new FaultEngine();
  const state: ServerState = { store, faults, rules, stats: emptyStats() };
  const server = createServer(createRequestHandler(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new StowageError('unavailable', `Cannot listen on ${host}:${port}`, { cause: err })));
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;

  return {
    host,
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    faults,
    stats: () => structuredClone(state.stats),
    resetStats() {
      state.stats = emptyStats();
    },
    async reset() {
      store.clear();
      faults.clear();
      state.stats = emptyStats();
      await persistence?.flush();
    },
    stop() {
      stopping ??= (async () => {
        faults.abortHung();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await persistence?.flush();
      })();
      return stopping;
    },
  };
}
