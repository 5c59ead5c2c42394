// Who is making the request, and the guards that handlers put in front of mutations.
// A browser proves itself with the session cookie; a script with `Authorization: Bearer pf_…`.
import type { Context, MiddlewareHandler } from 'hono';
import { roleAllows, type Role } from '../../domain/accounts.ts';
import { findApiTokenUser, findSessionUser } from '../../db/sessions.ts';
import { AppError, forbidden, unauthorized } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { clearSessionCookie, readSessionCookie } from './session.ts';

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

/** Resolves the session cookie or access token once per request; app.use('*', sessionMiddleware(ctx)). */
export function sessionMiddleware(ctx: Services): MiddlewareHandler {
  return async (c, next) => {
    c.set('currentUser', null);
    // Only our own tokens are looked at: other Authorization schemes (a proxy's Basic auth) fall through to the cookie.
    const authorization = c.req.header('authorization');
    if (authorization !== undefined && /^Bearer\s+pf_/i.test(authorization)) {
      const m = /^Bearer\s+(pf_[A-Za-z0-9_-]{43})\s*$/i.exec(authorization);
      const user = m ? await findApiTokenUser(ctx.database, m[1]) : null;
      if (!user) throw new AppError(401, 'invalid_token', 'the access token is unknown or revoked', { 'WWW-Authenticate': 'Bearer' });
      c.set('currentUser', { id: user.id, username: user.username, email: user.email, role: user.role, via: 'token', sessionId: null });
    } else {
      const token = readSessionCookie(c);
      const found = token ? await findSessionUser(ctx.database, token) : null;
      if (found) {
        const { user, sessionId } = found;
        c.set('currentUser', { id: user.id, username: user.username, email: user.email, role: user.role, via: 'session', sessionId });
      } else if (token) {
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
