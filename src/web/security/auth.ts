// Who is making the request, and the guards that handlers put in front of mutations.
// A browser proves itself with the session cookie; a script with `Authorization: Bearer pf_…`.
import type { Context, MiddlewareHandler } from 'hono';
import { roleAllows, type Role } from '../../domain/accounts.ts';
import { findApiTokenUser, findSessionUser } from '../../db/sessions.ts';
import { readsOf } from '../http/request-reads.ts';
import { AppError, forbidden, unauthorized } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { clearSessionCookie, readSessionCookie, SESSION_COOKIE } from './session.ts';

export interface CurrentUser {
  id: string;
  username: string;
  email: string;
  role: Role;
  /** 'token' requests come from scripts and are exempt from CSRF checks (no cookie is involved). */
  via: 'session' | 'token';
  sessionId: string | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    currentUser: CurrentUser | null;
  }
}

/** Tokens the database did not know are remembered this long (they never become valid: tokens are random). */
const UNKNOWN_TOKEN_MS = 10 * 60_000;
const UNKNOWN_TOKEN_ENTRIES = 10_000;

const BEARER = /^Bearer\s+pf_/i;
const ACCESS_TOKEN = /^Bearer\s+(pf_[A-Za-z0-9_-]{43})\s*$/i;
const SESSION_COOKIE_VALUE = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=[A-Za-z0-9_-]{43}\\s*(?:;|$)`);

/**
 * True when a request carries something that might authenticate it: our access-token scheme, or a session cookie of
 * the right shape. Anything else (a proxy's Basic auth, `pf_session=x`) cannot sign anyone in, so the request is
 * anonymous without asking the database.
 */
export function carriesCredentials(request: Request): boolean {
  const authorization = request.headers.get('authorization');
  if (authorization !== null && BEARER.test(authorization)) return true;
  const cookie = request.headers.get('cookie');
  return cookie !== null && SESSION_COOKIE_VALUE.test(cookie);
}

/**
 * Resolves the session cookie or access token once per request; app.use('*', sessionMiddleware(ctx)). A request
 * whose credentials do not verify is anonymous (an unknown access token is refused with 401, so a script learns its
 * token is bad). Tokens the database did not know are remembered for a while, so a client repeating a junk cookie
 * costs one database lookup, not one per request.
 */
export function sessionMiddleware(ctx: Services): MiddlewareHandler {
  const unknown = new Map<string, number>();
  const isUnknown = (token: string) => {
    const until = unknown.get(token);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    unknown.delete(token);
    return false;
  };
  const remember = (token: string) => {
    if (unknown.size >= UNKNOWN_TOKEN_ENTRIES) unknown.delete(unknown.keys().next().value!);
    unknown.set(token, Date.now() + UNKNOWN_TOKEN_MS);
  };
  return async (c, next) => {
    c.set('currentUser', null);
    // Only our own tokens are looked at: other Authorization schemes (a proxy's Basic auth) fall through to the cookie.
    const authorization = c.req.header('authorization');
    if (authorization !== undefined && BEARER.test(authorization)) {
      const token = ACCESS_TOKEN.exec(authorization)?.[1];
      const user = token && !isUnknown(token) ? await findApiTokenUser(ctx.database, token) : null;
      if (!user) {
        if (token) remember(token);
        throw new AppError(401, 'invalid_token', 'the access token is unknown or revoked', { 'WWW-Authenticate': 'Bearer' });
      }
      c.set('currentUser', { id: user.id, username: user.username, email: user.email, role: user.role, via: 'token', sessionId: null });
    } else {
      const token = readSessionCookie(c);
      const found = token && !isUnknown(token) ? await findSessionUser(readsOf(c, ctx.database), token) : null;
      if (found) {
        const { user, sessionId } = found;
        c.set('currentUser', { id: user.id, username: user.username, email: user.email, role: user.role, via: 'session', sessionId });
      } else if (token && !isUnknown(token)) {
        // Tell the browser once that its session is over; the request goes on as an anonymous one.
        remember(token);
        clearSessionCookie(c, ctx.config);
      }
    }
    await next();
  };
}

export function currentUser(c: Context): CurrentUser | null {
  return c.get('currentUser') ?? null;
}

function wantsJson(c: Context): boolean {
  return c.req.path.startsWith('/api/') || (c.req.header('accept') ?? '').includes('application/json');
}

/** The signed-in person, or a 401 (API) / a redirect to the sign-in page (pages). */
export function userOrFail(c: Context): CurrentUser {
  const user = currentUser(c);
  if (user) return user;
  if (!wantsJson(c) && c.req.method === 'GET') {
    const next = c.req.path + (new URL(c.req.url).search || '');
    throw new AppError(303, 'sign_in_required', 'sign in first', { Location: `/signin?next=${encodeURIComponent(next)}` });
  }
  throw unauthorized('sign in first (or send an access token)');
}

export const requireUser: MiddlewareHandler = async (c, next) => {
  userOrFail(c);
  await next();
};

/** Lets through people whose role is at least `role` (admins pass every moderator check). */
export function requireRole(role: Exclude<Role, 'user'>): MiddlewareHandler {
  return async (c, next) => {
    const user = userOrFail(c);
    if (!roleAllows(user.role, role)) throw forbidden(`this needs the ${role} role`);
    await next();
  };
}
