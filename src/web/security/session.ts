// The session cookie. Its value is a random token whose SHA-256 is the sessions row key (src/db/sessions.ts).
// HttpOnly keeps scripts from reading it, SameSite=Lax keeps other sites' forms from sending it, and Secure
// is set whenever the public URL is https.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../../config.ts';

export const SESSION_COOKIE = 'pf_session';

export const SESSION_TTL_MS = 30 * 86_400_000;

export function secureCookies(config: Config): boolean {
  return config.baseUrl.startsWith('https:');
}

export function readSessionCookie(c: Context): string | undefined {
  const value = getCookie(c, SESSION_COOKIE);
  // Tokens are 43 base64url characters; anything else is not ours and is not worth a database lookup.
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

export function setSessionCookie(c: Context, config: Config, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(config),
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies(config), httpOnly: true, sameSite: 'Lax' });
}
