import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { prng } from './prng.js';

/**
 * Random faults of a {@link FaultProxy}: per Firestore RPC request (never a CORS preflight), one draw
 * picks drop, 503 or nothing, another whether to delay it. Rates are probabilities in [0, 1].
 */
export interface FaultRates {
  /** The request is forwarded and applied by the emulator, then the connection is destroyed instead of answered (a lost acknowledgement). */
  drop?: number;
  /** The request is answered 503 UNAVAILABLE without reaching the emulator. */
  unavailable?: number;
  /** The request waits a uniform 0…{@link maxDelayMs} ms before it is forwarded. */
  delay?: number;
  /** @default 200 */
  maxDelayMs?: number;
}

/** What the proxy did, counted per outcome (a request that was both delayed and dropped counts in both). */
export interface FaultProxyStats {
  forwarded: number;
  dropped: number;
  unavailable: number;
  delayed: number;
  /** Connections and requests destroyed by a partition. */
  refused: number;
  /** CORS preflights passed through (never faulted). */
  preflights: number;
}

/** Options of {@link FaultProxy.start}. */
export interface FaultProxyOptions {
  /** Seed of the fault draws: with the same requests in the same order, the same faults. */
  seed: number;
  rates?: FaultRates;
}

const FORWARDED_PREFIX = '/v1/';
/** Hop-by-hop headers: they describe one connection, not the message, so they are not passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

const rpcOf = (url: string): string => /:([A-Za-z]+)(?:\?|$)/.exec(url)?.[1] ?? 'other';

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

const readAll = async (stream: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fault-injecting HTTP proxy of our own between a browser's Firestore SDK and the emulator — one
 * per device, so each device's network fails on its own. It listens on 127.0.0.1 at a free port,
 * forwards only Firestore REST paths (`/v1/…`) to its one target, and is closed by the test that
 * started it. CORS preflights always pass through untouched: a faulted preflight would only hide
 * the request from the faults that matter.
 *
 * Faults come from seeded draws at the configured {@link FaultRates}, plus explicit toggles
 * ({@link dropNext}, {@link failNext}, {@link partition}). Which request meets which draw depends on
 * the order requests arrive in, which a browser does not fix: the seed replays the draws, not
 * necessarily the run.
 */
export class FaultProxy {
  readonly #server: Server;
  readonly #target: URL;
  readonly #agent = new Agent({ keepAlive: true });
  readonly #sockets = new Set<Socket>();
  readonly #random: () => number;
  #rates: Required<FaultRates> = { drop: 0, unavailable: 0, delay: 0, maxDelayMs: 200 };
  #dropNext = 0;
  #failNext = 0;
  #partitioned = false;
  readonly #stats: FaultProxyStats = { forwarded: 0, dropped: 0, unavailable: 0, delayed: 0, refused: 0, preflights: 0 };
  /** The last faults, oldest first, for a failure message. */
  readonly #log: string[] = [];
  #requests = 0;

  private constructor(target: URL, options: FaultProxyOptions) {
    this.#target = target;
    this.#random = prng(options.seed);
    this.setRates(options.rates ?? {});
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      // A partition refuses new connections: accepted, then destroyed before a byte is read.
      if (this.#partitioned) {
        this.#stats.refused++;
        socket.destroy();
        return;
      }
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a proxy to `target` (the emulator's base URL, e.g. `http://127.0.0.1:8181`) on 127.0.0.1:0. */
  static async start(target: string, options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(target), options);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** `host:port` the proxy listens on, as the harness page's `emulator` parameter takes it. */
  get address(): string {
    const { address, port } = this.#server.address() as AddressInfo;
    return `${address}:${port}`;
  }

  /** Counters since start. */
  get stats(): Readonly<FaultProxyStats> {
    return { ...this.#stats };
  }

  /** The last faults injected (up to 100), e.g. `#17 commit dropped`. */
  get log(): readonly string[] {
    return [...this.#log];
  }

  /** Replaces the random fault rates (omitted ones become 0, `maxDelayMs` 200). */
  setRates(rates: FaultRates): void {
    for (const [name, p] of Object.entries(rates)) {
      if (name !== 'maxDelayMs' && !(typeof p === 'number' && p >= 0 && p <= 1)) throw new Error(`fault proxy: rate ${name} must be within [0, 1], got ${String(p)}`);
    }
    this.#rates = { drop: rates.drop ?? 0, unavailable: rates.unavailable ?? 0, delay: rates.delay ?? 0, maxDelayMs: rates.maxDelayMs ?? 200 };
  }

  /** The next `count` RPC requests are applied and their responses dropped, whatever the rates say. */
  dropNext(count = 1): void {
    this.#dropNext = count;
  }

  /** The next `count` RPC requests are answered 503 without being forwarded. */
  failNext(count = 1): void {
    this.#failNext = count;
  }

  /** Cuts the network: open connections (in-flight requests included) are destroyed, new ones refused. */
  partition(): void {
    this.#partitioned = true;
    for (const socket of this.#sockets) {
      this.#stats.refused++;
      socket.destroy();
    }
  }

  /** Ends a partition. */
  heal(): void {
    this.#partitioned = false;
  }

  get partitioned(): boolean {
    return this.#partitioned;
  }

  /** No faults from now on: rates 0, toggles off, partition over. Requests already delayed still complete. */
  calm(): void {
    this.setRates({});
    this.#dropNext = 0;
    this.#failNext = 0;
    this.heal();
  }

  /** Stops listening and destroys every connection, to the browser and to the emulator. */
  async close(): Promise<void> {
    this.#partitioned = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#agent.destroy();
    await closed;
  }

  #note(n: number, rpc: string, what: string): void {
    this.#log.push(`#${n} ${rpc} ${what}`);
    if (this.#log.length > 100) this.#log.shift();
  }

  /** What happens to one RPC request: explicit toggles first, then one seeded draw. */
  #decide(): 'drop' | 'unavailable' | 'forward' {
    const draw = this.#random();
    if (this.#failNext > 0) {
      this.#failNext--;
      return 'unavailable';
    }
    if (this.#dropNext > 0) {
      this.#dropNext--;
      return 'drop';
    }
    if (draw < this.#rates.unavailable) return 'unavailable';
    if (draw < this.#rates.unavailable + this.#rates.drop) return 'drop';
    return 'forward';
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (!url.startsWith(FORWARDED_PREFIX)) {
      // Only the test's Firestore traffic goes through: the emulator's control endpoints stay the test's.
      res.writeHead(404, { 'content-type': 'text/plain' }).end('fault proxy: only /v1/ is forwarded');
      return;
    }
    if (this.#partitioned) {
      this.#stats.refused++;
      req.socket.destroy();
      return;
    }
    const body = await readAll(req);
    if (req.method === 'OPTIONS') {
      this.#stats.preflights++;
      await this.#forward(req, body, res, false);
      return;
    }
    const n = ++this.#requests;
    const rpc = rpcOf(url);
    const fate = this.#decide();
    // Always two draws per request, so a changed rate does not shift the draws of later requests.
    const delayDraw = this.#random();
    if (delayDraw < this.#rates.delay) {
      this.#stats.delayed++;
      await sleep(Math.round((delayDraw / this.#rates.delay) * this.#rates.maxDelayMs));
      if (this.#partitioned || req.socket.destroyed) return;
    }
    if (fate === 'unavailable') {
      this.#stats.unavailable++;
      this.#note(n, rpc, '503');
      const origin = req.headers.origin;
      res
        .writeHead(503, { 'content-type': 'application/json', 'access-control-allow-origin': origin ?? '*', vary: 'Origin' })
        .end(JSON.stringify({ error: { code: 503, message: 'fault proxy: unavailable', status: 'UNAVAILABLE' } }));
      return;
    }
    await this.#forward(req, body, res, fate === 'drop', n, rpc);
  }

  /** Sends the request to the emulator and waits for its whole answer; then passes it on, or destroys the connection (`drop`). */
  async #forward(req: IncomingMessage, body: Buffer, res: ServerResponse, drop: boolean, n = 0, rpc = ''): Promise<void> {
    const upstream = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer } | Error>((resolve) => {
      const out = request(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: req.method,
          path: req.url,
          headers: { ...endToEnd(req.headers), host: this.#target.host, 'content-length': String(body.length) },
          agent: this.#agent,
        },
        (answer) => {
          readAll(answer).then((b) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: b }), resolve);
        },
      );
      out.on('error', resolve);
      out.end(body);
    });
    if (res.destroyed || req.socket.destroyed) return; // partitioned meanwhile: the client already saw its error
    if (upstream instanceof Error) {
      req.socket.destroy();
      return;
    }
    if (drop) {
      // The emulator has applied the request; the client only sees its connection die.
      this.#stats.dropped++;
      this.#note(n, rpc, `dropped after apply (${upstream.status})`);
      req.socket.destroy();
      return;
    }
    if (req.method !== 'OPTIONS') this.#stats.forwarded++;
    res.writeHead(upstream.status, { ...endToEnd(upstream.headers), 'content-length': String(upstream.body.length) }).end(upstream.body);
  }
}
