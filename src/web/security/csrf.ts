// Cross-site request forgery protection for every POST/PUT/PATCH/DELETE.
// Signed double submit: the browser holds a random value in the HttpOnly cookie pf_csrf, and each form
// carries HMAC(secret, that value, session id). Another site can make the browser send the cookie but can
// neither read it nor compute the HMAC; and because a signed-in browser's token covers its session, a cookie
// planted by a sibling subdomain together with the planter's own token is useless against someone else.
// Requests authenticated by an access token carry no ambient credential, so they need no CSRF token; nor do the
// two read-only POSTs (long search queries), which change nothing a forged request could exploit.
// Unsafe requests' bodies are capped before anything reads them, and the cheap checks come first: a request
// without a well-formed pf_csrf cookie is refused before its body is read at all.
import crypto from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { generateCookie, getCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import { loadOrCreateSecret } from '../../db/sessions.ts';
import { AppError, forbidden } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { formText, readForm } from '../input.ts';
import { currentUser } from './auth.ts';
import { secureCookies } from './session.ts';
import { LruCache } from '../../lru.ts';

export const CSRF_COOKIE = 'pf_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

declare module 'hono' {
  interface ContextVariableMap {
    csrf: { secret: string; secure: boolean; token?: string; issuedCookie?: string };
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * Every request body, form or JSON: room for the longest inputs we take (a 20,000-character search query or a
 * 10,000-character comment, percent-encoded or JSON-escaped) and no more. Uploads, if ever, get a route of their own.
 */
export const MAX_BODY_BYTES = 256 * 1024;
/** POSTs that only read (search queries too long for a URL): no state changes, so no CSRF token is needed. */
const READ_ONLY_POSTS = new Set(['/search', '/api/papers/search']);
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Tokens signed lately, by secret, cookie and session: a signed-in page needs its reader's token on every request,
 * and an HMAC costs more than the rest of filling a kept page's forms.
 */
const signed = new LruCache<string, string>({ maxEntries: 10_000 });

function sign(secret: string, cookie: string, sessionId: string | null): string {
  const message = `csrf:${cookie}:${sessionId ?? ''}`;
  const key = `${secret}\n${message}`;
  let token = signed.get(key);
  if (token === undefined) {
    token = crypto.createHmac('sha256', secret).update(message).digest('base64url');
    signed.set(key, token);
  }
  return token;
}

/** app.use('*', csrfProtection(ctx)) after sessionMiddleware. Refuses unsafe requests without a valid token (403). */
export function csrfProtection(ctx: Services): MiddlewareHandler {
  let secret: Promise<string> | null = null;
  const loadSecret = () => {
    secret ??= (ctx.config.SECRET_KEY ? Promise.resolve(ctx.config.SECRET_KEY) : loadOrCreateSecret(ctx.database, 'csrf')).catch((e) => {
      secret = null; // a failed first read (database briefly down) is retried by the next request
      throw e;
    });
    return secret;
  };
  const tooLarge = () => new AppError(413, 'too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw tooLarge();
    },
  });
  const refuse = () => forbidden('the form expired or did not come from this site; reload the page and try again', 'csrf');
  return async (c, next) => {
    c.set('csrf', { secret: await loadSecret(), secure: secureCookies(ctx.config) });
    if (!UNSAFE.has(c.req.method)) {
      await next();
      return keepTokenPrivate(c);
    }
    return limitBody(c, async () => {
      const user = currentUser(c);
      if (user?.via !== 'token' && !(c.req.method === 'POST' && READ_ONLY_POSTS.has(c.req.path))) {
        const cookie = getCookie(c, CSRF_COOKIE);
        if (!cookie || !COOKIE_VALUE.test(cookie)) throw refuse();
        // A body without Content-Length is counted while it is read; going over the cap fails the read.
        const supplied =
          c.req.header(CSRF_HEADER) ??
          formText(
            (
              await readForm(c).catch((e) => {
                throw (e as Error).name === 'BodyLimitError' ? tooLarge() : e;
              })
            )[CSRF_FIELD],
          );
        if (!supplied || !sameString(supplied, sign(c.get('csrf').secret, cookie, user?.sessionId ?? null))) throw refuse();
      }
      await next();
    });
  };
}

/**
 * A handler may build its Response directly instead of through c.html, which drops headers set on the
 * context. Whatever the handler did, a response that carries a token also carries its cookie and is private.
 */
function keepTokenPrivate(c: Context): void {
  const state = c.get('csrf');
  if (!state.token) return;
  if (state.issuedCookie && !c.res.headers.getSetCookie().some((v) => v.startsWith(`${CSRF_COOKIE}=`))) {
    c.res.headers.append('Set-Cookie', state.issuedCookie);
  }
  c.res.headers.set('Cache-Control', 'private, no-store');
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * The token for forms on this response. A first visit gets its pf_csrf cookie here. The response is marked
 * private and no-store: a token belongs to one browser, so a page carrying one must never be shared by a cache.
 */
export function csrfToken(c: Context): string {
  const state = c.get('csrf');
  if (!state) throw new Error('csrfProtection middleware is not installed');
  if (state.token) return state.token;
  let value = getCookie(c, CSRF_COOKIE);
  if (!value || !COOKIE_VALUE.test(value)) {
    value = crypto.randomBytes(32).toString('base64url');
    state.issuedCookie = generateCookie(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'Lax', secure: state.secure, path: '/', maxAge: 365 * 86_400 });
    c.header('Set-Cookie', state.issuedCookie, { append: true });
  }
  c.header('Cache-Control', 'private, no-store');
  state.token = sign(state.secret, value, currentUser(c)?.sessionId ?? null);
  return state.token;
}

/** `<form method="post">{csrfField(c)}…</form>` */
export function csrfField(c: Context) {
  return csrfInput(csrfToken(c));
}

/** The hidden field for a token already issued (or a template's placeholder for it, page-template.ts). */
export function csrfInput(token: string) {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}
