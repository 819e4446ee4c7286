import { StowageError } from '@stowage/core';
import type { Firestore } from 'firebase/firestore/lite';

/**
 * What the Lite SDK's message starts with for every HTTP request that failed. When `fetch()` itself
 * rejects (nothing listening, DNS, offline, dropped connection) the SDK reads `status`/`statusText`
 * off the TypeError and throws `unknown: "Request failed with error: undefined"` — the real cause
 * is dropped (no `cause`, empty `customData`). Otherwise the suffix is the server's message.
 */
const SDK_PREFIX = 'Request failed with error: ';
const PROBE_MS = 3000;

/** Inverse of the SDK's `mapCodeFromHttpStatus` (where it is ambiguous: the status class). */
const HTTP_STATUS: Record<string, string> = {
  'failed-precondition': '4xx',
  unauthenticated: '401',
  'permission-denied': '403',
  'not-found': '404',
  aborted: '409',
  'out-of-range': '416',
  'resource-exhausted': '429',
  cancelled: '499',
  unknown: '500',
  unimplemented: '501',
  internal: '5xx',
  unavailable: '503',
  'deadline-exceeded': '504',
};

/** Node's (undici's) system error codes of a rejected `fetch()`, in words. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
};

/** `host:port` and scheme the Lite instance sends to (the emulator's, or production's). */
function endpointOf(db: Firestore): { host: string; ssl: boolean } {
  // `_getSettings` is the SDK's internal accessor (what connectFirestoreEmulator reads); guarded
  // because an error message must never throw.
  const settings = (db as unknown as { _getSettings?: () => { host?: unknown; ssl?: unknown } })._getSettings?.();
  return typeof settings?.host === 'string' ? { host: settings.host, ssl: settings.ssl !== false } : { host: 'firestore.googleapis.com', ssl: true };
}

/** Why `fetch()` rejected, from a probe of the same endpoint (the SDK kept no cause). */
async function probe(url: string): Promise<{ reason: string; cause?: unknown }> {
  try {
    // no-cors: any answer (opaque) proves the endpoint reachable, CORS or not.
    await fetch(url, { method: 'HEAD', mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(PROBE_MS) });
    return { reason: 'the connection failed; the endpoint answers again now' };
  } catch (err) {
    const name = (err as { name?: unknown }).name;
    if (name === 'TimeoutError') return { reason: `no answer within ${PROBE_MS} ms`, cause: err };
    const code = (err as { cause?: { code?: unknown } }).cause?.code;
    if (typeof code === 'string') return { reason: REASONS[code] ?? code, cause: err };
    // Browsers say only "Failed to fetch" and log the real reason (ERR_CONNECTION_REFUSED, …) to the console.
    return { reason: 'network error: offline, refused, DNS or blocked — the browser console names it', cause: err };
  }
}

/**
 * Rewrites a transport failure of the SDK into a message a person can act on, naming the endpoint
 * and the cause: `push: cannot reach the Firestore endpoint 127.0.0.1:8080 (connection refused)`,
 * or, for an error answer, `pull: the Firestore endpoint … answered HTTP 503 (unavailable): …`.
 * The error's code is kept; `details` gain `endpoint` and `reason` or `httpStatus`, and `cause`
 * becomes the probe's own error (with its system code) when the SDK dropped the original.
 * Anything else is returned as is.
 */
export async function explainTransportError(err: unknown, db: Firestore): Promise<unknown> {
  if (!(err instanceof StowageError)) return err;
  const firestoreCode = err.details?.firestoreCode;
  const sdkMessage = (err.cause as { message?: unknown } | undefined)?.message;
  if (typeof firestoreCode !== 'string' || typeof sdkMessage !== 'string' || !sdkMessage.startsWith(SDK_PREFIX)) return err;
  const { host, ssl } = endpointOf(db);
  // toRemoteError wrote `${context}: ${sdkMessage}`.
  const context = err.message.endsWith(`: ${sdkMessage}`) ? err.message.slice(0, -sdkMessage.length - 2) : 'request';
  const said = sdkMessage.slice(SDK_PREFIX.length);
  if (said === 'undefined' && firestoreCode === 'unknown') {
    const { reason, cause } = await probe(`${ssl ? 'https' : 'http'}://${host}/`);
    return new StowageError('unavailable', `${context}: cannot reach the Firestore endpoint ${host} (${reason})`, {
      cause: cause ?? err.cause,
      details: { ...err.details, endpoint: host, reason, sdkError: err.cause },
    });
  }
  const httpStatus = HTTP_STATUS[firestoreCode] ?? 'error';
  return new StowageError(err.code, `${context}: the Firestore endpoint ${host} answered HTTP ${httpStatus} (${firestoreCode}): ${said}`, {
    cause: err.cause,
    details: { ...err.details, endpoint: host, httpStatus },
  });
}
