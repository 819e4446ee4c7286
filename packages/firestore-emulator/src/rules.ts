import { RpcError } from './rpc-error.js';

/** Security rules the emulator enforces: everything open, or each user confined to `users/{uid}/…`. */
export type RulesMode = 'open' | 'owner';

/** Who is calling, derived from the `Authorization` header. */
export type Caller = { readonly kind: 'anonymous' } | { readonly kind: 'admin' } | { readonly kind: 'user'; readonly uid: string };

/**
 * Reads the caller from `Authorization: Bearer …`. `Bearer owner` is the emulator admin convention;
 * any other bearer token is taken as the unsigned JWT that `connectFirestoreEmulator(…, { mockUserToken })`
 * sends, whose payload names the user in `sub` (or `user_id`). Signatures are not checked — this is
 * an emulator. A token that cannot be decoded counts as anonymous.
 */
export function callerFromAuthorization(header: string | undefined): Caller {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) return { kind: 'anonymous' };
  const token = match[1] as string;
  if (token === 'owner') return { kind: 'admin' };
  const payload = token.split('.')[1];
  if (payload === undefined) return { kind: 'anonymous' };
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const uid = claims.sub ?? claims.user_id;
    return typeof uid === 'string' && uid !== '' ? { kind: 'user', uid } : { kind: 'anonymous' };
  } catch {
    return { kind: 'anonymous' };
  }
}

/** Access checks for one request. Each throws PERMISSION_DENIED (HTTP 403) when access is refused. */
export interface Authorizer {
  /** Reading or writing the document at a relative path. */
  document(path: string): void;
  /** Querying a collection (group) under a relative parent path. */
  query(parent: string, allDescendants: boolean, collectionId: string): void;
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

const deny = (what: string): RpcError =>
  new RpcError('PERMISSION_DENIED', `Missing or insufficient permissions. (${what})`);

/**
 * Mirrors `firestore.rules` (shipped next to this package): under `owner`, a signed-in user may read and
 * write only `users/{uid}` and everything below it; admin may do anything; anonymous callers nothing.
 */
export function createAuthorizer(mode: RulesMode, caller: Caller): Authorizer {
  if (mode === 'open' || caller.kind === 'admin') return { document: () => undefined, query: () => undefined };
  const root = caller.kind === 'user' ? `users/${caller.uid}` : undefined;
  return {
    document(path) {
      if (root === undefined || !within(path, root)) throw deny(`access to ${path}`);
    },
    query(parent, allDescendants, collectionId) {
      // Rules are not filters: a query is allowed only when every document it could return is allowed,
      // i.e. its parent already lies inside the caller's subtree. A plain query on `users` whose
      // results are all users/{uid} is impossible to guarantee, so it is refused like on Firestore.
      if (root === undefined || !within(parent, root)) {
        throw deny(`query on ${allDescendants ? 'collection group ' : ''}${parent ? `${parent}/` : ''}${collectionId}`);
      }
    },
  };
}
