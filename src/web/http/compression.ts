// Response compression: brotli or gzip, whichever the client's Accept-Encoding prefers (brotli on a tie), for
// every text-like response (HTML, JSON, XML, feeds, Markdown, BibTeX, SVG, CSS, JavaScript). Hono's compress
// middleware (4.10) offers gzip and deflate only, through CompressionStream, which has no brotli on Node 20; this
// uses node:zlib, off the event loop.
//
// Validators stay correct: a compressed variant is the same content in another coding, so it carries the weak
// form of the identity ETag (W/"…", as nginx does). Conditional requests compare weakly (conditional.ts), so a
// client holding either variant gets its 304, and the 304 carries the ETag and Vary of the variant it validates.
// Every compressible response says `Vary: Accept-Encoding`, whether or not this one was compressed.
//
// The page cache sits outside this middleware and keys its entries by the negotiated coding (codingOf),
// so a cached page is compressed once per coding and lifetime, not once per request. Responses it does not keep
// (signed-in pages, PAGE_CACHE_SECONDS=0) still compress each distinct body once: compressed bytes are kept by the
// body's strong ETag, a hash of exactly those bytes, so a body seen before (the same listing at the same store
// version, the same person's page again) reuses them and a changed body can never be answered with stale ones.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { LruCache } from '../../lru.ts';
import { memoized, negotiate } from './negotiation.ts';
import { replaceResponse, settleResponse } from './settled-response.ts';

export type ContentCoding = 'br' | 'gzip';

/** Server preference on equal weights: brotli (quality 5) is 9% smaller than gzip on daily-papers JSON (bench/compression.ts). */
const CODINGS: readonly ContentCoding[] = ['br', 'gzip'];

/** Bodies below this are sent as they are: framing overhead eats the gain. */
const MIN_BYTES = 1024;

const COMPRESSIBLE = /^(?:text\/|application\/(?:json|xml|javascript|x-bibtex|[\w.-]+\+(?:json|xml))|image\/svg\+xml)/i;
/** Matches a Cache-Control value that holds the directive `name`. */
const cacheDirective = (name: string) => new RegExp(`(?:^|,)\\s*${name}\\s*(?:,|$)`, 'i');
const NO_TRANSFORM = cacheDirective('no-transform');

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

// Quality 5: 9% smaller than gzip level 6 at 1.8× its time on 30 real daily-papers bodies; quality 11 would be 15%
// smaller again but take 97× as long as quality 5, which uncached responses (signed-in pages, PAGE_CACHE_SECONDS=0)
// would pay on every request (`npm run bench -- compression`). gzip keeps zlib's level 6.
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
};

/** The coding a client's Accept-Encoding prefers among brotli and gzip, or null for the identity. */
const preferredCoding: (acceptEncoding: string) => ContentCoding | null = memoized((header) =>
  header ? negotiate(header, CODINGS, (coding) => (coding === 'gzip' ? ['x-gzip', '*'] : ['*'])) : null,
);

export function codingOf(request: Request): ContentCoding | null {
  return preferredCoding(request.headers.get('accept-encoding') ?? '');
}

/**
 * A body for one reader (`Cache-Control: private`: a signed-in page, with its own marks and CSRF token) is
 * compressed for that reader alone and seldom sent again, so it gets the fastest settings: on a 60 KB day page,
 * brotli quality 1 takes 0.17 ms against quality 5's 1.1–1.6 ms for 12.4 KB against 10.4, and gzip level 1 0.35
 * against 0.75 ms for 12.2 KB against 11.3. A signed-in reader's first view of a page was mostly this compression.
 */
const FAST_BROTLI_OPTIONS: zlib.BrotliOptions = {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
};
const PRIVATE = cacheDirective('private');

function compress(coding: ContentCoding, body: Uint8Array, forOneReader: boolean): Promise<Buffer> {
  if (coding === 'br') return brotli(body, forOneReader ? FAST_BROTLI_OPTIONS : BROTLI_OPTIONS);
  return forOneReader ? gzip(body, { level: 1 }) : gzip(body);
}

/**
 * Compressed bodies by coding and strong ETag. 8 MiB holds about 1,000 compressed 30-paper pages (8 KB each in
 * brotli) or 400 API lists (20 KB): the pages in demand, which is what saves compressing. At 16 MiB it filled to its
 * bound in a soak run, a quarter of the process's growth over the run (docs/performance.md).
 */
export function compressedBodies() {
  return new LruCache<string, Uint8Array<ArrayBuffer>>({ maxEntries: 10_000, maxSize: 8 * 1024 * 1024, sizeOf: (bytes) => bytes.byteLength });
}

/** Adds a field name to Vary unless it is there already. */
function addVary(headers: Headers, name: string): void {
  const current = headers.get('vary');
  if (!current) headers.set('Vary', name);
  else if (!current.split(',').some((v) => v.trim().toLowerCase() === name.toLowerCase())) headers.set('Vary', `${current}, ${name}`);
}

function weakened(etag: string | null): string | null {
  return etag && !etag.startsWith('W/') ? `W/${etag}` : etag;
}

/** `compressed` is where compressed bodies are kept (a test passes its own to look inside). */
export function compression(compressed = compressedBodies()): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('content-type');
    // A 304 keeps its representation's Content-Type (conditional.ts) only so that this can tell its variant; the
    // client already holds the metadata, so it goes here.
    if (res.status === 304) res.headers.delete('content-type');
    if (!type || !COMPRESSIBLE.test(type) || res.headers.has('content-encoding') || NO_TRANSFORM.test(res.headers.get('cache-control') ?? '')) return;
    addVary(res.headers, 'Accept-Encoding');
    const coding = codingOf(c.req.raw);
    if (!coding) return;
    // Weak for every response to a client that takes a coding, compressed or (under MIN_BYTES) not, so that a
    // 304 always names the variant the 200 did.
    const strongEtag = res.headers.get('etag');
    const etag = weakened(strongEtag);
    if (etag) res.headers.set('ETag', etag);
    if (res.status === 304 || c.req.method === 'HEAD') return;
    // Only a strong tag names exact bytes; a weak one (set by a handler, or a proxy's) may not.
    const key = strongEtag && !strongEtag.startsWith('W/') ? `${coding} ${strongEtag}` : null;
    let bytes = key ? compressed.get(key) : undefined;
    let status = res.status;
    let headers: Headers;
    // A kept body needs only the headers; never `res.body`: reading it would drop the header edits above
    // (settled-response.ts).
    if (bytes) headers = new Headers(res.headers);
    else {
      const settled = await settleResponse(c);
      if (settled.body.byteLength < MIN_BYTES) return;
      ({ status, headers } = settled);
      bytes = new Uint8Array(await compress(coding, settled.body, PRIVATE.test(headers.get('cache-control') ?? '')));
      if (key) compressed.set(key, bytes);
    }
    headers.set('Content-Encoding', coding);
    headers.delete('content-length');
    replaceResponse(c, new Response(bytes, { status, headers }));
  };
}
