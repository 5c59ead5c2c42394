// Validators and freshness for every page, API response and feed: a strong ETag over the body, Last-Modified
// from the data shown, Cache-Control chosen by the caller, and 304 Not Modified when the client's copy is current
// (If-None-Match wins over If-Modified-Since, as RFC 9110 §13.2.2 orders them). Compressed variants carry the
// weak form of the same tag (compression.ts); If-None-Match compares weakly, as RFC 9110 §13.1.2 says it must.
import crypto from 'node:crypto';
import type { Context } from 'hono';

export interface Representation {
  /** Text, or bytes (images). */
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
  cacheControl: string;
  /** ISO timestamp of the newest data in the body, when known. */
  lastModified?: string | null;
  status?: 200 | 404;
  headers?: Record<string, string>;
  /** The body's ETag, when the caller keeps it with a memoised body (etagOf(body)). */
  etag?: string;
}

const encoder = new TextEncoder();

/** A text's UTF-8 bytes: bodies kept for many responses are kept encoded, so no response encodes them again. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

export function etagOf(body: string | Uint8Array): string {
  return `"${crypto.createHash('sha1').update(body).digest('base64url')}"`;
}

/** HTTP-date of an ISO timestamp, at whole-second precision as the header format demands. */
export function httpDate(iso: string): string {
  return new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toUTCString();
}

/** True when the request's validators say the client already holds this representation. */
export function isNotModified(request: Request, etag: string, lastModified: string | null): boolean {
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch !== null) {
    if (ifNoneMatch.trim() === '*') return true;
    // Weak comparison: W/"x" matches "x" either way round (a compressed variant, or a proxy that weakened our tag).
    const opaque = etag.replace(/^W\//, '');
    return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === opaque);
  }
  const ifModifiedSince = request.headers.get('if-modified-since');
  if (ifModifiedSince && lastModified) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && Date.parse(lastModified) <= since;
  }
  return false;
}

/** Builds the response for a representation, or a 304 when the client's copy is current. */
export function represent(c: Context, rep: Representation): Response {
  const etag = rep.etag ?? etagOf(rep.body);
  const headers: Record<string, string> = {
    ...rep.headers,
    'Content-Type': rep.contentType,
    'Cache-Control': rep.cacheControl,
    ETag: etag,
  };
  const lastModified = rep.lastModified ? httpDate(rep.lastModified) : null;
  if (lastModified) headers['Last-Modified'] = lastModified;
  // A 304 keeps Content-Type on its way out so that the compression middleware can tell which variant it
  // validates; that middleware removes it before the response leaves.
  if ((rep.status ?? 200) === 200 && isNotModified(c.req.raw, etag, lastModified)) return new Response(null, { status: 304, headers });
  return new Response(c.req.method === 'HEAD' ? null : rep.body, { status: rep.status ?? 200, headers });
}
