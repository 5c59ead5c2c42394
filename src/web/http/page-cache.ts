// A short-lived in-process cache of rendered anonymous responses. Rendering a 50-paper page costs far more than
// sending it; keeping the bytes for at most a few seconds multiplies throughput while a new upvote still shows
// within that time. Requests from someone signed in (decided after their session or token was verified, so junk
// credentials count as anonymous) never read or fill the cache, and a response that sets a cookie or says
// private/no-store is never stored — so nobody is served someone else's page. Each process keeps its own cache:
// with several processes an anonymous visitor may see a page up to the cache lifetime (≤ 5 s) old from any of them.
import type { Context, MiddlewareHandler } from 'hono';
import { isNotModified } from './conditional.ts';
import { settleResponse } from './settled-response.ts';

export interface PageCacheOptions {
  /** How long a stored response is served; must stay ≤ 5 s so fresh upvotes show promptly. */
  ttlMs: number;
  maxEntries: number;
  /** True when the request comes from someone signed in (its credentials verified). */
  isPersonal(c: Context): boolean;
  /**
   * Headers every stored response carries (the security headers): a hit answered before routing skips the
   * middleware that would otherwise add them.
   */
  headers?: Record<string, string>;
  /**
   * What, besides the URL, selects the stored response for a request: the negotiated content coding and
   * representation (compression.ts, papers' Markdown). Requests with different variants never share an entry.
   */
  variant?: (request: Request) => string;
  now?: () => number;
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

/** Only responses built as cacheable representations (they carry an ETag) are kept; health checks and redirects are not. */
function storable(res: Response): boolean {
  if (res.status !== 200 || !res.headers.has('etag') || res.headers.has('set-cookie')) return false;
  const cc = res.headers.get('cache-control') ?? '';
  return !/\b(private|no-store)\b/i.test(cc);
}

function headerObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

export interface PageCache {
  /** Stores what the routes below it render, and answers from the cache when it can. */
  middleware: MiddlewareHandler;
  /**
   * The stored response for a request, or null: lets the server answer before routing at all. Only for requests
   * that carry no credentials (the middleware decides the others once their credentials are checked).
   */
  lookup(request: Request): Response | null;
  clear(): void;
  size(): number;
}

export function createPageCache(options: PageCacheOptions): PageCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  /** Renders under way, by URL: requests for the same page wait for the one render instead of each starting one. */
  const rendering = new Map<string, Promise<void>>();
  const extraHeaders = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const readable = (request: Request) => request.method === 'GET' || request.method === 'HEAD';
  const keyOf = (request: Request) => {
    const variant = options.variant?.(request);
    return variant ? `${request.url} ${variant}` : request.url;
  };

  function lookup(request: Request): Response | null {
    if (!readable(request)) return null;
    const hit = entries.get(keyOf(request));
    if (!hit || now() - hit.storedAt >= options.ttlMs) return null;
    // Each answer gets its own copy of the headers: @hono/node-server adds Content-Length to the object it is given.
    if (hit.etag && isNotModified(request, hit.etag, hit.lastModified)) {
      return new Response(null, { status: 304, headers: { ...hit.notModifiedHeaders } });
    }
    return new Response(request.method === 'HEAD' ? null : hit.body, { status: hit.status, headers: { ...hit.headers } });
  }

  const middleware: MiddlewareHandler = async (c, next) => {
    if (!readable(c.req.raw) || options.isPersonal(c)) return next();
    const key = keyOf(c.req.raw);
    let hit = lookup(c.req.raw);
    const under = rendering.get(key);
    if (!hit && under) {
      // A page many ask for at once (or a flood of one) is rendered once per cache lifetime: the others wait for it.
      await under;
      hit = lookup(c.req.raw);
      if (!hit) return next(); // that render was not storable (an error page, say): render this one alone
    }
    if (hit) {
      c.res = hit;
      return;
    }
    let finished!: () => void;
    rendering.set(key, new Promise<void>((resolve) => (finished = resolve)));
    try {
      await next();
      await store(c, key);
    } finally {
      rendering.delete(key);
      finished();
    }
  };

  /**
   * Entries past their lifetime are never served again, so they are let go rather than kept until maxEntries push
   * them out. Each store re-inserts its key, so the map runs oldest first and the expired ones are at its head.
   */
  function dropExpired(): void {
    const t = now();
    for (const [key, entry] of entries) {
      if (t - entry.storedAt < options.ttlMs) return;
      entries.delete(key);
    }
  }

  async function store(c: Context, key: string): Promise<void> {
    // HEAD responses have no body to keep; conditional 304s say nothing about the full representation.
    if (c.req.method !== 'GET' || !storable(c.res)) return;
    const settled = await settleResponse(c);
    const headers = { ...extraHeaders, ...headerObject(settled.headers) };
    dropExpired();
    if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
    entries.delete(key);
    const { 'content-type': _type, 'content-encoding': _coding, ...notModifiedHeaders } = headers;
    entries.set(key, {
      storedAt: now(),
      status: settled.status,
      body: settled.body,
      headers,
      notModifiedHeaders,
      etag: headers.etag ?? null,
      lastModified: headers['last-modified'] ?? null,
    });
  }

  return { middleware, lookup, clear: () => entries.clear(), size: () => entries.size };
}
