/**
 * Bearer-token authentication and role checks. Tokens are looked up by their sha256; the
 * route table says which role each route needs.
 */
import { ForbiddenError } from '../model/errors';
import { roleAtLeast, type Store } from '../store';
import { UnauthenticatedError } from './problem';
import type { Access, Principal } from './route';

/** RFC 6750 token68 characters; anything else in the header is malformed. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * The caller named by an `Authorization` header value. Throws UnauthenticatedError when the
 * header is missing, malformed, or names no live token.
 */
export function authenticate(store: Store, header: string | undefined): Principal {
  if (header === undefined || header === '')
    throw new UnauthenticatedError('authentication required: send Authorization: Bearer <token>');
  const m = BEARER.exec(header);
  if (!m?.[1])
    throw new UnauthenticatedError('malformed Authorization header: expected Bearer <token>');
  const token = store.tokens.verify(m[1]);
  if (!token) throw new UnauthenticatedError('unknown or revoked token');
  return { name: token.name, role: token.role };
}

/**
 * Who is calling a route with `access`: on public routes the caller if a valid token was sent
 * (else undefined); on other routes an authenticated caller (else UnauthenticatedError).
 */
export function identify(
  store: Store,
  access: Access,
  header: string | undefined,
): Principal | undefined {
  if (access !== 'public') return authenticate(store, header);
  try {
    return header ? authenticate(store, header) : undefined;
  } catch {
    return undefined;
  }
}

/** Throws a ForbiddenError unless `principal` has at least the role `access` needs. */
export function requireRole(principal: Principal | undefined, access: Access): void {
  if (access === 'public') return;
  if (!principal || !roleAtLeast(principal.role, access))
    throw new ForbiddenError(
      `this needs role ${access} or higher; token ${principal?.name ?? '(none)'} has role ${principal?.role ?? '(none)'}`,
      'insufficient_role',
    );
}

/** `identify` then `requireRole`. */
export function authorize(
  store: Store,
  access: Access,
  header: string | undefined,
): Principal | undefined {
  const principal = identify(store, access, header);
  requireRole(principal, access);
  return principal;
}
