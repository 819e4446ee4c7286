/**
 * gRPC status names used by Firestore, with the HTTP status its REST gateway answers for each
 * (`google/rpc/code.proto`). The Lite SDK derives `FirestoreError.code` from the HTTP status only,
 * so getting this table right is what makes the SDK report the same codes as real Firestore.
 */
export const RPC_HTTP_STATUS = {
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
} as const;

/** A gRPC status name, e.g. `'NOT_FOUND'`. */
export type RpcStatus = keyof typeof RPC_HTTP_STATUS;

/** Inverse of {@link RPC_HTTP_STATUS} for injected faults given as an HTTP status. */
const STATUS_BY_HTTP: Record<number, RpcStatus> = {
  400: 'FAILED_PRECONDITION',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The status name that best describes an arbitrary HTTP status (for injected faults). */
export function rpcStatusForHttp(http: number): RpcStatus {
  return STATUS_BY_HTTP[http] ?? (http >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

/**
 * A failure to be answered as Firestore's JSON error body. Thrown anywhere inside request handling;
 * the HTTP layer turns it into `{"error":{code,message,status}}`. Internal only.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly status: RpcStatus;
  readonly httpStatus: number;

  constructor(status: RpcStatus, message: string, httpStatus: number = RPC_HTTP_STATUS[status]) {
    super(message);
    this.status = status;
    this.httpStatus = httpStatus;
  }

  /** The JSON body Firestore's REST gateway sends with this error. */
  toBody(): { error: { code: number; message: string; status: RpcStatus } } {
    return { error: { code: this.httpStatus, message: this.message, status: this.status } };
  }
}

/** Shorthand for the most common failure: `INVALID_ARGUMENT` (HTTP 400). */
export function invalidArgument(message: string): RpcError {
  return new RpcError('INVALID_ARGUMENT', message);
}
