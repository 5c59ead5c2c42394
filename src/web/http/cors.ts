// Cross-origin reads (CORS): a web app on any other origin may read the public, anonymous representations —
// the JSON API under /api/, every RSS/Atom/JSON feed, and a paper's .md and .bib — with GET or HEAD, and gets an
// answer to its preflight. `Access-Control-Allow-Origin: *` and no Allow-Credentials: a browser never sends
// cookies with these requests, and a page elsewhere can never read anything personal.
//
// Writes stay closed to other origins. A preflight allows only GET and HEAD, and no Authorization or
// X-CSRF-Token header, so a browser refuses a cross-origin upvote, comment or submission before sending it.
// Access tokens are long-lived keys to a whole account, and there is no per-application, scoped grant to hand
// a third-party site instead; a token pasted into another origin's page would be exposed to every script on
// it. Token clients therefore run outside browsers (scripts, servers, CLIs), where CORS does not apply.
//
// The headers are constant (no echo of Origin), so responses need no `Vary: Origin` and the page cache may
// serve one stored copy to every client.
import type { MiddlewareHandler } from 'hono';

const FEED_FILE = /\/(?:rss\.xml|atom\.xml|feed\.json)$/;
const PAPER_FILE = /^\/papers\/.+\.(?:md|bib)$/;

/** Paths whose anonymous GET/HEAD representations any origin may read. */
export function isCrossOriginReadable(path: string): boolean {
  return path.startsWith('/api/') || FEED_FILE.test(path) || PAPER_FILE.test(path);
}

/** On every GET/HEAD answer (errors and 429s included, so a client can read why) of those paths. */
export const CROSS_ORIGIN_READ_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  // What a script may read beyond the CORS-safelisted response headers.
  'Access-Control-Expose-Headers': 'ETag, Last-Modified, X-Total-Count, X-Listing-Kind, RateLimit, RateLimit-Policy, Retry-After',
};

const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  ...CROSS_ORIGIN_READ_HEADERS,
  'Access-Control-Allow-Methods': 'GET, HEAD',
  // Revalidation and content negotiation; deliberately not Authorization nor X-CSRF-Token (see above).
  'Access-Control-Allow-Headers': 'Accept, Accept-Language, Cache-Control, If-Modified-Since, If-None-Match, Pragma',
  // Browsers cap this (Chromium at 2 hours); a day asks for the most any of them keeps.
  'Access-Control-Max-Age': '86400',
};

/** Answers OPTIONS (preflights) on the readable paths, and labels their GET/HEAD responses. */
export function crossOriginReads(): MiddlewareHandler {
  const reads = Object.entries(CROSS_ORIGIN_READ_HEADERS);
  return async (c, next) => {
    if (!isCrossOriginReadable(c.req.path)) return next();
    if (c.req.method === 'OPTIONS') {
      // The same answer whatever the preflight asks for: a browser compares the request it wants to send with
      // these lists and refuses it (unsent) when a method or header is missing.
      return new Response(null, { status: 204, headers: PREFLIGHT_HEADERS });
    }
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return;
    for (const [name, value] of reads) c.res.headers.set(name, value);
  };
}
