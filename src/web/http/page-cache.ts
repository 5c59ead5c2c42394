// A short-lived in-process cache of rendered anonymous responses. Rendering a 50-paper page costs far more than
// sending it; keeping the bytes for at most a few seconds multiplies throughput while a new upvote still shows
// within that time. Personal requests (a session cookie or a bearer token) never read or fill the cache, and a
// response that sets a cookie or says private/no-store is never stored — so nobody is served someone else's page.
import type { Context, MiddlewareHandler } from 'hono';
import { isNotModified } from './conditional.ts';
import { settleResponse } from './settled-response.ts';

/** H5's session cookie (src/web/security/session.ts `SESSION_COOKIE`); its presence means a signed-in visitor. */
export const SESSION_COOKIE_NAME = 'pf_session';

export interface PageCacheOptions {
  /** How long a stored response is served; must stay ≤ 5 s so fresh upvotes show promptly. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
  /**
   * What, besides the URL, selects the stored response for a request: the negotiated content coding and
   * representation (compression.ts, papers' Markdown). Requests with different variants never share an entry.
   */
  variant?: (request: Request) => string;
}

interface Entry {
  storedAt: number;
  status: number;
  body: Uint8Array<ArrayBuffer>;
  /** A plain object, which @hono/node-server writes straight to the socket without building a Headers. */
  headers: Record<string, string>;
  /** The same without Content-Type and Content-Encoding, for 304 answers. */
  notModifiedHeaders: Record<string, string>;
  etag: string | null;
  lastModified: string | null;
}

export function isPersonal(request: Request): boolean {
  if (request.headers.has('authorization')) return true;
  const cookie = request.headers.get('cookie');
  return !!cookie && cookie.split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE_NAME}=`));
}

export function isPersonalRequest(c: Context): boolean {
  return isPersonal(c.req.raw);
}

/** Only responses built as cacheable representations (they carry an ETag) are kept; health checks and redirects are not. */
function storable(res: Response): boolean {
  if (res.status !== 200 || !res.headers.has('etag') || res.headers.has('set-cookie')) return false;
  const cc = res.headers.get('cache-control') ?? '';
  return !/\b(private|no-store)\b/i.test(cc);
}

function headerObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  return out;
}

export interface PageCache {
  /** Stores what the routes below it render, and answers from the cache when it can. */
  middleware: MiddlewareHandler;
  /** The stored response for a request, or null: lets the server answer before routing at all. */
  lookup(request: Request): Response | null;
  clear(): void;
  size(): number;
}

export function createPageCache(options: PageCacheOptions): PageCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const keyOf = (request: Request) => {
    const variant = options.variant?.(request);
    return variant ? `${request.url} ${variant}` : request.url;
  };

  function cacheable(request: Request): boolean {
    return (request.method === 'GET' || request.method === 'HEAD') && !isPersonal(request);
  }

  function lookup(request: Request): Response | null {
    if (!cacheable(request)) return null;
    const hit = entries.get(keyOf(request));
    if (!hit || now() - hit.storedAt >= options.ttlMs) return null;
    if (hit.etag && isNotModified(request, hit.etag, hit.lastModified)) {
      return new Response(null, { status: 304, headers: hit.notModifiedHeaders });
    }
    return new Response(request.method === 'HEAD' ? null : hit.body, { status: hit.status, headers: hit.headers });
  }

  const middleware: MiddlewareHandler = async (c, next) => {
    if (!cacheable(c.req.raw)) return next();
    const key = keyOf(c.req.raw);
    const hit = lookup(c.req.raw);
    if (hit) {
      c.res = hit;
      return;
    }
    await next();
    // HEAD responses have no body to keep; conditional 304s say nothing about the full representation.
    if (c.req.method !== 'GET' || !storable(c.res)) return;
    const settled = await settleResponse(c);
    if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
    entries.delete(key);
    const headers = headerObject(settled.headers);
    const { 'content-type': _type, 'content-encoding': _coding, ...notModifiedHeaders } = headers;
    entries.set(key, {
      storedAt: now(),
      status: settled.status,
      body: settled.body,
      headers,
      notModifiedHeaders,
      etag: settled.headers.get('etag'),
      lastModified: settled.headers.get('last-modified'),
    });
  };

  return { middleware, lookup, clear: () => entries.clear(), size: () => entries.size };
}
