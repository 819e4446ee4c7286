import { StowageError } from '@stowage/core';
import { seededRandom } from './prng.js';

const invalidArgument = (message: string): StowageError => new StowageError('invalid-argument', message);

/** An RPC name as it appears after the `:` in the URL (`commit`, `batchGet`, `runQuery`, …). */
export type RpcName = string;

/** Fail the next `count` requests (optionally only of one RPC) with an HTTP status. */
export interface FailNextOptions {
  /** @default 1 */
  count?: number;
  /** HTTP status to answer with; the JSON body carries the matching gRPC status name. @default 503 */
  status?: number;
  /** Only requests of this RPC count. @default every RPC */
  rpc?: RpcName;
  /** Error message in the body. @default "Injected fault" */
  message?: string;
}

/** Fail each request with probability `p`, drawn from a seeded PRNG. */
export interface FailRateOptions {
  /** Probability in [0, 1]. */
  p: number;
  /** @default 1 */
  seed?: number;
  /** @default 503 */
  status?: number;
  /** @default every RPC */
  rpc?: RpcName;
}

/** Delay every matching request before it is handled. */
export interface LatencyOptions {
  ms: number;
  /** @default every RPC */
  rpc?: RpcName;
}

/** Hold matching requests unanswered until {@link FaultController.clear} or `stop()`. */
export interface HangOptions {
  /** @default every RPC */
  rpc?: RpcName;
}

/** Apply the next `count` matching requests, then destroy the socket instead of answering. */
export interface LostAckOptions {
  /** @default 1 */
  count?: number;
  /** @default 'commit' */
  rpc?: RpcName;
}

/** Everything that can be set at once, e.g. as the JSON body of `POST /emulator/faults`. */
export interface FaultConfig {
  failNext?: FailNextOptions;
  failRate?: FailRateOptions;
  latency?: LatencyOptions;
  hang?: HangOptions | boolean;
  lostAck?: LostAckOptions;
}

/** Fault injection handle (also reachable over HTTP). Settings stay until cleared. */
export interface FaultController {
  failNext(options?: FailNextOptions): void;
  failRate(options: FailRateOptions): void;
  latency(options: LatencyOptions): void;
  hang(options?: HangOptions): void;
  loseAcks(options?: LostAckOptions): void;
  /** Applies several settings at once (what `POST /emulator/faults` does). */
  configure(config: FaultConfig): void;
  /** Removes every fault and lets hung requests proceed normally. */
  clear(): void;
  /** Current settings and how many requests are hung right now. */
  snapshot(): FaultConfig & { hungRequests: number };
}

/** What the HTTP layer must do with one request. Internal. */
export type Admission =
  | { readonly type: 'fail'; readonly status: number; readonly message: string }
  | { readonly type: 'proceed'; readonly loseAck: boolean }
  | { readonly type: 'abort' };

const matches = (filter: RpcName | undefined, rpc: RpcName): boolean => filter === undefined || filter === rpc;

function checkStatus(status: unknown): number {
  if (status === undefined) return 503;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw invalidArgument(`Fault status must be an HTTP error status (400–599), got ${JSON.stringify(status)}.`);
  }
  return status;
}

function checkCount(count: unknown): number {
  if (count === undefined) return 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw invalidArgument('Fault count must be a non-negative integer.');
  return count;
}

/** The fault engine behind {@link FaultController}; `admit` is consulted for every RPC request. Internal. */
export class FaultEngine implements FaultController {
  #failNext: Required<Omit<FailNextOptions, 'rpc'>> & { rpc?: RpcName } | undefined;
  #failRate: { p: number; seed: number; status: number; rpc?: RpcName; random: () => number } | undefined;
  #latency: LatencyOptions | undefined;
  #hang: HangOptions | undefined;
  #lostAck: { count: number; rpc: RpcName } | undefined;
  #hung = new Set<(outcome: 'release' | 'abort') => void>();

  failNext(options: FailNextOptions = {}): void {
    const count = checkCount(options.count);
    this.#failNext = { count, status: checkStatus(options.status), message: options.message ?? 'Injected fault', ...(options.rpc ? { rpc: options.rpc } : {}) };
  }

  failRate(options: FailRateOptions): void {
    if (typeof options?.p !== 'number' || !(options.p >= 0 && options.p <= 1)) throw invalidArgument('failRate.p must be within [0, 1].');
    const seed = options.seed ?? 1;
    this.#failRate = { p: options.p, seed, status: checkStatus(options.status), random: seededRandom(seed), ...(options.rpc ? { rpc: options.rpc } : {}) };
  }

  latency(options: LatencyOptions): void {
    if (typeof options?.ms !== 'number' || !(options.ms >= 0)) throw invalidArgument('latency.ms must be a non-negative number.');
    this.#latency = options.ms === 0 ? undefined : { ...options };
  }

  hang(options: HangOptions = {}): void {
    this.#hang = { ...options };
  }

  loseAcks(options: LostAckOptions = {}): void {
    this.#lostAck = { count: checkCount(options.count), rpc: options.rpc ?? 'commit' };
  }

  configure(config: FaultConfig): void {
    if (typeof config !== 'object' || config === null) throw invalidArgument('Fault configuration must be an object.');
    if (config.failNext !== undefined) this.failNext(config.failNext);
    if (config.failRate !== undefined) this.failRate(config.failRate);
    if (config.latency !== undefined) this.latency(config.latency);
    if (config.hang === false) this.#releaseHang();
    else if (config.hang !== undefined) this.hang(config.hang === true ? {} : config.hang);
    if (config.lostAck !== undefined) this.loseAcks(config.lostAck);
  }

  clear(): void {
    this.#failNext = undefined;
    this.#failRate = undefined;
    this.#latency = undefined;
    this.#lostAck = undefined;
    this.#releaseHang();
  }

  snapshot(): FaultConfig & { hungRequests: number } {
    const { random: _random, ...failRate } = this.#failRate ?? { random: undefined };
    return {
      ...(this.#failNext ? { failNext: { ...this.#failNext } } : {}),
      ...(this.#failRate ? { failRate: failRate as FailRateOptions } : {}),
      ...(this.#latency ? { latency: { ...this.#latency } } : {}),
      ...(this.#hang ? { hang: { ...this.#hang } } : {}),
      ...(this.#lostAck ? { lostAck: { ...this.#lostAck } } : {}),
      hungRequests: this.#hung.size,
    };
  }

  /** Decides the fate of one request: wait (latency, hang), fail, or proceed (maybe losing the ack). */
  async admit(rpc: RpcName): Promise<Admission> {
    if (this.#latency && matches(this.#latency.rpc, rpc)) {
      const ms = this.#latency.ms;
      await new Promise((resolve) => setTimeout(resolve, ms).unref());
    }
    if (this.#hang && matches(this.#hang.rpc, rpc)) {
      const outcome = await new Promise<'release' | 'abort'>((resolve) => this.#hung.add(resolve));
      if (outcome === 'abort') return { type: 'abort' };
    }
    const next = this.#failNext;
    if (next && next.count > 0 && matches(next.rpc, rpc)) {
      next.count--;
      return { type: 'fail', status: next.status, message: next.message };
    }
    const rate = this.#failRate;
    if (rate && matches(rate.rpc, rpc) && rate.random() < rate.p) {
      return { type: 'fail', status: rate.status, message: 'Injected fault (failRate)' };
    }
    const lost = this.#lostAck;
    if (lost && lost.count > 0 && matches(lost.rpc, rpc)) {
      lost.count--;
      return { type: 'proceed', loseAck: true };
    }
    return { type: 'proceed', loseAck: false };
  }

  /** Called on stop: hung requests are dropped without an answer. */
  abortHung(): void {
    this.#hang = undefined;
    for (const resolve of this.#hung) resolve('abort');
    this.#hung.clear();
  }

  #releaseHang(): void {
    this.#hang = undefined;
    for (const resolve of this.#hung) resolve('release');
    this.#hung.clear();
  }
}
