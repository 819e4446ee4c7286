import { isStowageError } from '@stowage/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultEngine } from './faults.js';
import { validateSegments, type DatabaseId } from './resource-path.js';
import { RpcError, invalidArgument, rpcStatusForHttp } from './rpc-error.js';
import { handleRpc } from './rpc-handlers.js';
import { callerFromAuthorization, createAuthorizer, type RulesMode } from './rules.js';
import { emptyStats, type EmulatorStats } from './stats.js';
import type { DocumentStore } from './store.js';

/** Shared state the request handler works on. Internal. */
export interface ServerState {
  readonly store: DocumentStore;
  readonly faults: FaultEngine;
  readonly rules: RulesMode;
  stats: EmulatorStats;
}

/** Real Firestore accepts 10 MiB requests; leave headroom for JSON overhead. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const RPC_PATH = /^\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents((?:\/[^/]+)*)$/;
const RESET_PATH = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents\/?$/;

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return { 'Access-Control-Allow-Origin': origin ?? '*', Vary: 'Origin' };
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...corsHeaders(req),
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  let rpcError: RpcError;
  if (err instanceof RpcError) rpcError = err;
  else if (isStowageError(err, 'invalid-argument')) rpcError = invalidArgument(err.message);
  else {
    console.error('[firestore-emulator] internal error:', err);
    rpcError = new RpcError('INTERNAL', err instanceof Error ? err.message : String(err));
  }
  send(req, res, rpcError.httpStatus, rpcError.toBody());
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw invalidArgument(`Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    // The SDK sends `Content-Type: text/plain`, so the type is never trusted — only the bytes.
    throw invalidArgument('Invalid JSON payload received.');
  }
}

function decodeSegments(raw: string): string[] {
  try {
    return raw === '' ? [] : raw.slice(1).split('/').map(decodeURIComponent);
  } catch {
    throw invalidArgument(`Malformed percent-encoding in "${raw}".`);
  }
}

function databaseFrom(project: string, database: string): DatabaseId {
  const db = { project: decodeSegments(`/${project}`)[0] as string, database: decodeSegments(`/${database}`)[0] as string };
  return db;
}

async function handleRpcRequest(state: ServerState, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const colon = path.lastIndexOf(':');
  const match = colon === -1 ? null : RPC_PATH.exec(path.slice(0, colon));
  if (!match) throw new RpcError('NOT_FOUND', `No such resource: ${path}`);
  if (req.method !== 'POST') throw new RpcError('UNIMPLEMENTED', `Only POST RPCs are emulated, got ${req.method}.`);
  const rpc = path.slice(colon + 1);
  state.stats.total++;
  state.stats.byRpc[rpc] = (state.stats.byRpc[rpc] ?? 0) + 1;

  const admission = await state.faults.admit(rpc);
  if (admission.type === 'abort') {
    req.socket.destroy();
    return;
  }
  if (admission.type === 'fail') {
    state.stats.faulted++;
    throw new RpcError(rpcStatusForHttp(admission.status), admission.message, admission.status);
  }
  const body = await readJson(req);
  const db = databaseFrom(match[1] as string, match[2] as string);
  const parent = decodeSegments(match[3] as string);
  validateSegments(parent, 'any', parent.join('/'));
  if (parent.length % 2 !== 0) throw invalidArgument(`Parent "${parent.join('/')}" is not a document.`);
  const auth = createAuthorizer(state.rules, callerFromAuthorization(req.headers.authorization));
  const result = handleRpc(rpc, { store: state.store, db, parent: parent.join('/'), auth }, body);
  if (admission.loseAck) {
    // The write happened; the client just never hears about it.
    state.stats.lostAcks++;
    req.socket.destroy();
    return;
  }
  send(req, res, 200, result);
}

async function handleControl(state: ServerState, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === '/emulator/faults') {
    if (req.method === 'POST') state.faults.configure((await readJson(req)) as never);
    else if (req.method === 'DELETE') state.faults.clear();
    else if (req.method !== 'GET') throw new RpcError('UNIMPLEMENTED', `Method ${req.method} not allowed.`);
    send(req, res, 200, state.faults.snapshot());
    return true;
  }
  if (path === '/emulator/stats') {
    if (req.method === 'DELETE') state.stats = emptyStats();
    else if (req.method !== 'GET') throw new RpcError('UNIMPLEMENTED', `Method ${req.method} not allowed.`);
    send(req, res, 200, state.stats);
    return true;
  }
  const reset = RESET_PATH.exec(path);
  if (reset && req.method === 'DELETE') {
    const db = databaseFrom(reset[1] as string, reset[2] as string);
    state.store.clear(`projects/${db.project}/databases/${db.database}`);
    send(req, res, 200, {});
    return true;
  }
  return false;
}

/** The node:http request listener: CORS, health, control endpoints, then the Firestore RPCs. */
export function createRequestHandler(state: ServerState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method === 'OPTIONS') {
      // CORS preflight: the SDK's custom headers always trigger one from a page on another origin.
      res.writeHead(204, {
        ...corsHeaders(req),
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      send(req, res, 200, 'Ok');
      return;
    }
    const work = path.startsWith('/emulator/')
      ? handleControl(state, req, res, path).then((handled) => {
          if (!handled) throw new RpcError('NOT_FOUND', `No such resource: ${path}`);
        })
      : handleRpcRequest(state, req, res, path);
    work.catch((err: unknown) => sendError(req, res, err));
  };
}
