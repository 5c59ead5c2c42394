// RSS 2.0, Atom 1.0 (RFC 4287) and JSON Feed 1.1 from one description of a feed. Item ids are the papers'
// canonical URLs, so a reader never sees the same paper twice when it moves between days or pages.
import type { Context } from 'hono';
import { etagOf, represent, utf8 } from '../http/conditional.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export interface FeedItem {
  /** Stable, globally unique: the paper's canonical URL. */
  id: string;
  url: string;
  title: string;
  /** Plain text (the abstract as written, LaTeX included). */
  summary: string;
  authors: string[];
  /** ISO timestamps. */
  published: string;
  updated: string;
  categories: string[];
  /** Links beside the page (PDF, code). */
  externalUrl?: string;
}

export interface FeedDocument {
  title: string;
  description: string;
  /** The HTML page this feed mirrors. */
  homePageUrl: string;
  items: FeedItem[];
  /** ISO timestamp of the newest change; the newest item's when absent. */
  updated?: string | null;
}

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** The file name each format is served under, below a listing's path. */
export const FEED_FILES: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

// Characters XML 1.0 forbids even when escaped (C0 controls other than tab, newline, carriage return).
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// Half a surrogate pair alone is no character at all; it becomes U+FFFD, as UTF-8 encoding would make it anyway.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlEscape(s: string): string {
  return s
    .replace(XML_FORBIDDEN, '')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function feedUpdated(doc: FeedDocument): string {
  if (doc.updated) return new Date(doc.updated).toISOString();
  const newest = doc.items
    .map((i) => i.updated)
    .sort()
    .at(-1);
  return newest ? new Date(newest).toISOString() : new Date(0).toISOString();
}

function rss(doc: FeedDocument, selfUrl: string): string {
  const items = doc.items.map(
    (i) => `<item>
<title>${xmlEscape(i.title)}</title>
<link>${xmlEscape(i.url)}</link>
<guid isPermaLink="true">${xmlEscape(i.id)}</guid>
<description>${xmlEscape(i.summary)}</description>
<pubDate>${new Date(i.published).toUTCString()}</pubDate>
${i.authors.map((a) => `<dc:creator>${xmlEscape(a)}</dc:creator>`).join('\n')}
${i.categories.map((c) => `<category>${xmlEscape(c)}</category>`).join('\n')}
</item>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>${xmlEscape(doc.title)}</title>
<link>${xmlEscape(doc.homePageUrl)}</link>
<description>${xmlEscape(doc.description)}</description>
<language>en</language>
<lastBuildDate>${new Date(feedUpdated(doc)).toUTCString()}</lastBuildDate>
<atom:link href="${xmlEscape(selfUrl)}" rel="self" type="application/rss+xml"/>
${items.join('\n')}
</channel>
</rss>
`;
}

function atom(doc: FeedDocument, selfUrl: string): string {
  const entries = doc.items.map(
    (i) => `<entry>
<id>${xmlEscape(i.id)}</id>
<title type="text">${xmlEscape(i.title)}</title>
<link rel="alternate" type="text/html" href="${xmlEscape(i.url)}"/>
${i.externalUrl ? `<link rel="related" href="${xmlEscape(i.externalUrl)}"/>` : ''}
<published>${new Date(i.published).toISOString()}</published>
<updated>${new Date(i.updated).toISOString()}</updated>
${i.authors.map((a) => `<author><name>${xmlEscape(a)}</name></author>`).join('\n')}
${i.categories.map((c) => `<category term="${xmlEscape(c)}"/>`).join('\n')}
<summary type="text">${xmlEscape(i.summary)}</summary>
</entry>`,
  );
  // The feed-level author covers entries without authors, as RFC 4287 §4.1.1 requires one or the other.
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${xmlEscape(selfUrl)}</id>
<title type="text">${xmlEscape(doc.title)}</title>
<subtitle type="text">${xmlEscape(doc.description)}</subtitle>
<updated>${feedUpdated(doc)}</updated>
<link rel="self" type="application/atom+xml" href="${xmlEscape(selfUrl)}"/>
<link rel="alternate" type="text/html" href="${xmlEscape(doc.homePageUrl)}"/>
<author><name>Paperfeed</name></author>
<generator>Paperfeed</generator>
${entries.join('\n')}
</feed>
`;
}

function jsonFeed(doc: FeedDocument, selfUrl: string): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: doc.title,
    description: doc.description,
    home_page_url: doc.homePageUrl,
    feed_url: selfUrl,
    language: 'en',
    items: doc.items.map((i) => ({
      id: i.id,
      url: i.url,
      ...(i.externalUrl ? { external_url: i.externalUrl } : {}),
      title: i.title,
      content_text: i.summary,
      summary: i.summary.length > 300 ? i.summary.slice(0, 297) + '…' : i.summary,
      date_published: new Date(i.published).toISOString(),
      date_modified: new Date(i.updated).toISOString(),
      authors: i.authors.map((name) => ({ name })),
      tags: i.categories,
    })),
  });
}

export function renderFeed(format: FeedFormat, doc: FeedDocument, selfUrl: string): string {
  return format === 'rss' ? rss(doc, selfUrl) : format === 'atom' ? atom(doc, selfUrl) : jsonFeed(doc, selfUrl);
}

/** The query parameters a feed takes (a search's q, every list's category); the rest never reach its self link. */
const FEED_PARAMETERS = new Set(['q', 'category']);

/** The feed's own URL with only the parameters that select it, so cache-busters and utm_* leave the body alone. */
function feedSelfUrl(requestUrl: string, baseUrl: string): string {
  const url = new URL(requestUrl);
  const kept = [...url.searchParams].filter(([name, value]) => FEED_PARAMETERS.has(name) && value.trim() !== '');
  return baseUrl + url.pathname + (kept.length ? `?${new URLSearchParams(kept)}` : '');
}

/** Responds with a feed (ETag, Last-Modified, 304). A personal feed passes a private Cache-Control. */
export function feedResponse(c: Context, format: FeedFormat, doc: FeedDocument, baseUrl: string, cacheControl = 'public, max-age=300'): Response {
  const selfUrl = feedSelfUrl(c.req.url, baseUrl);
  return represent(c, {
    body: renderFeed(format, doc, selfUrl),
    contentType: FEED_CONTENT_TYPES[format],
    cacheControl,
    lastModified: feedUpdated(doc),
  });
}

/** Rendered feeds by the record they were made from, then by format, address and document identity. */
const keptFeeds = new WeakMap<object, Map<string, { body: Uint8Array<ArrayBuffer>; etag: string; lastModified: string | null }>>();

/**
 * A feed made wholly from one memoised record (a listing, shared until the store changes; src/db/memo.ts) and
 * `identity` (what else the document shows: its title and home page): rendered once per record, format and
 * address, and kept with the record so it goes when the record does.
 */
export function keptFeedResponse(c: Context, format: FeedFormat, record: object, identity: string, doc: () => FeedDocument, baseUrl: string): Response {
  const selfUrl = feedSelfUrl(c.req.url, baseUrl);
  let kept = keptFeeds.get(record);
  if (!kept) {
    kept = new Map();
    keptFeeds.set(record, kept);
  }
  const key = `${format}\n${selfUrl}\n${identity}`;
  let feed = kept.get(key);
  if (!feed) {
    const document = doc();
    const body = utf8(renderFeed(format, document, selfUrl));
    feed = { body, etag: etagOf(body), lastModified: feedUpdated(document) };
    kept.set(key, feed);
  }
  return represent(c, {
    body: feed.body,
    etag: feed.etag,
    contentType: FEED_CONTENT_TYPES[format],
    cacheControl: 'public, max-age=300',
    lastModified: feed.lastModified,
  });
}

/** The three feed URLs below a listing's path, for autodiscovery links. */
export function feedLinks(path: string, title: string, query = '') {
  return [
    { title: `${title} (RSS)`, href: `${path}/${FEED_FILES.rss}${query}`, type: 'application/rss+xml' as const },
    { title: `${title} (Atom)`, href: `${path}/${FEED_FILES.atom}${query}`, type: 'application/atom+xml' as const },
    { title: `${title} (JSON Feed)`, href: `${path}/${FEED_FILES.json}${query}`, type: 'application/feed+json' as const },
  ];
}
