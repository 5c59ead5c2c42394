// How pages and API answers are sent: HTML and JSON with validators (ETag, Last-Modified, 304) and the
// Cache-Control the audience allows, and personal pages that are never cached or indexed.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { roleAllows } from '../../domain/accounts.ts';
import { htmlDocument, Layout, type Account, type NavKey } from '../components/layout.tsx';
import { currentUser } from '../security/auth.ts';
import { represent } from './conditional.ts';

/** The API may be cached by clients and proxies for as long as the server's own page cache keeps it. */
const API_CACHE_CONTROL = 'public, max-age=5';

/** Cache-Control for HTML: shared caches may keep anonymous pages a few seconds; personal pages stay private. */
export function pageCacheControl(c: Context): string {
  return currentUser(c) ? 'private, no-cache' : 'public, max-age=5';
}

/** The signed-in person for the header, or null. Pages for signed-in people are never cached, so this is safe. */
export function accountOf(c: Context): Account | null {
  const user = currentUser(c);
  return user ? { username: user.username, moderator: roleAllows(user.role, 'moderator') } : null;
}

/** The latest of several ISO timestamps (Last-Modified of a response built from several sources), or null. */
export function newest(...stamps: (string | null | undefined)[]): string | null {
  let out: string | null = null;
  for (const s of stamps) if (s && (!out || s > out)) out = s;
  return out;
}

/**
 * A page; `vary` names the request headers besides Cookie that chose this representation (a paper's Accept).
 * `etag` is the body's strong validator when the caller knows it without hashing the body (page-template.ts).
 */
export function htmlResponse(c: Context, html: string | Uint8Array<ArrayBuffer>, lastModified: string | null, vary: string[] = [], etag?: string): Response {
  return represent(c, {
    body: html,
    etag,
    contentType: 'text/html; charset=utf-8',
    cacheControl: pageCacheControl(c),
    lastModified,
    headers: { Vary: ['Cookie', ...vary].join(', ') },
  });
}

export function jsonResponse(c: Context, value: unknown, lastModified: string | null, headers: Record<string, string> = {}): Response {
  return serialisedJsonResponse(c, { body: JSON.stringify(value) }, lastModified, headers);
}

/** JSON already serialised (a memoised answer), with its ETag when known. */
export function serialisedJsonResponse(
  c: Context,
  json: { body: string | Uint8Array<ArrayBuffer>; etag?: string },
  lastModified: string | null,
  headers: Record<string, string> = {},
): Response {
  return represent(c, {
    body: json.body,
    etag: json.etag,
    contentType: 'application/json; charset=utf-8',
    cacheControl: API_CACHE_CONTROL,
    lastModified,
    headers,
  });
}

/** A page for one person (forms, account, moderation, links from mails): in the site's frame, never cached, never indexed. */
export function privatePage(
  c: Context,
  baseUrl: string,
  title: string,
  body: Child,
  options: { status?: number; current?: NavKey } = {},
): Response | Promise<Response> {
  c.header('Cache-Control', 'private, no-store');
  return c.html(
    htmlDocument(
      <Layout title={title} canonical={baseUrl + c.req.path} current={options.current ?? null} account={accountOf(c)} noindex>
        {body}
      </Layout>,
    ),
    (options.status ?? 200) as 200,
  );
}
