// The sitemap (sitemaps.org protocol 0.9): /sitemap.xml is an index of sitemap files of at most 50,000 URLs each:
//   /sitemaps/pages-N.xml   the home page, trending, the feeds page, then every day, ISO week and month with papers
//   /sitemaps/papers-N.xml  every visible paper, in id order
// each URL with its lastmod. What the files hold (the paper chunks and the periods) is worked out from covering
// indexes (src/db/sitemap.ts) and kept for SITEMAP_TTL_MS, so a crawler walking every file costs one such pass;
// a paper file then reads only its own chunk.
import type { Context } from 'hono';
import type { Database } from '../../db/connect.ts';
import { daysWithPapers, paperChunks, papersFrom, type PaperChunk } from '../../db/sitemap.ts';
import { periodContaining, type Period } from '../../domain/periods.ts';
import { notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { paperPath } from '../components/paper-card.tsx';
import { represent } from '../http/conditional.ts';
import { xmlEscape } from '../http/feeds.ts';

/** The protocol's ceiling per file. */
export const SITEMAP_MAX_URLS = 50_000;
/** Crawlers come back daily at most; recounting a million papers more often than this buys nothing. */
const SITEMAP_TTL_MS = 10 * 60_000;
const CACHE_CONTROL = 'public, max-age=3600';
const XMLNS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

interface SitemapUrl {
  path: string;
  lastModified: string | null;
}

interface Contents {
  paperChunks: PaperChunk[];
  /** Fixed pages and periods, in file-sized slices. */
  pageFiles: SitemapUrl[][];
}

const PERIOD_PATH = { day: '/papers/date', week: '/papers/week', month: '/papers/month' } as const;

/** W3C Datetime at second precision, as sitemaps want it. */
function w3cDate(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function newer(a: string | null, b: string): string {
  return a && a > b ? a : b;
}

/** Every day with papers, and the week and month around each, each with the newest change inside it. */
function periodUrls(days: { day: string; lastModified: string }[]): SitemapUrl[] {
  const byKind = { day: new Map<string, SitemapUrl>(), week: new Map<string, SitemapUrl>(), month: new Map<string, SitemapUrl>() };
  for (const { day, lastModified } of days) {
    for (const kind of ['day', 'week', 'month'] as const) {
      const period: Period = periodContaining(kind, day);
      const seen = byKind[kind].get(period.key);
      if (seen) seen.lastModified = newer(seen.lastModified, lastModified);
      else byKind[kind].set(period.key, { path: `${PERIOD_PATH[kind]}/${period.key}`, lastModified });
    }
  }
  return [...byKind.day.values(), ...byKind.week.values(), ...byKind.month.values()];
}

async function buildContents(database: Database, urlsPerFile: number): Promise<Contents> {
  const [chunks, days] = await Promise.all([paperChunks(database, urlsPerFile), daysWithPapers(database)]);
  const newest = days.reduce<string | null>((n, d) => newer(n, d.lastModified), null);
  const pages: SitemapUrl[] = [
    { path: '/', lastModified: newest },
    { path: '/papers/trending', lastModified: newest },
    { path: '/feeds', lastModified: null },
    ...periodUrls(days),
  ];
  const pageFiles: SitemapUrl[][] = [];
  for (let i = 0; i < pages.length; i += urlsPerFile) pageFiles.push(pages.slice(i, i + urlsPerFile));
  return { paperChunks: chunks, pageFiles };
}

function urlset(base: string, urls: SitemapUrl[]): string {
  const entries = urls.map((u) => `<url><loc>${xmlEscape(base + u.path)}</loc>${u.lastModified ? `<lastmod>${w3cDate(u.lastModified)}</lastmod>` : ''}</url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${XMLNS}">\n${entries.join('\n')}\n</urlset>\n`;
}

function newestOf(urls: SitemapUrl[]): string | null {
  return urls.reduce<string | null>((n, u) => (u.lastModified ? newer(n, u.lastModified) : n), null);
}

export interface SitemapOptions {
  /** URLs per sitemap file (at most SITEMAP_MAX_URLS); tests use a few to see the files split. */
  urlsPerFile?: number;
  now?: () => number;
}

export function sitemapHandlers(ctx: Services, options: SitemapOptions = {}) {
  const base = ctx.config.baseUrl;
  const urlsPerFile = Math.min(options.urlsPerFile ?? SITEMAP_MAX_URLS, SITEMAP_MAX_URLS);
  const now = options.now ?? Date.now;
  let cached: { at: number; contents: Promise<Contents> } | null = null;

  /** The current contents; requests while they are rebuilt share the one rebuild. */
  function current(): Promise<Contents> {
    if (!cached || now() - cached.at >= SITEMAP_TTL_MS) {
      const contents: Promise<Contents> = buildContents(ctx.database, urlsPerFile).catch((e) => {
        if (cached?.contents === contents) cached = null; // a failed count (database briefly down) is retried next time
        throw e;
      });
      cached = { at: now(), contents };
    }
    return cached.contents;
  }

  const xml = (c: Context, body: string, lastModified: string | null) =>
    represent(c, { body, contentType: 'application/xml; charset=utf-8', cacheControl: CACHE_CONTROL, lastModified });

  return {
    /** /sitemap.xml: the sitemap index. */
    index: async (c: Context) => {
      const { paperChunks: chunks, pageFiles } = await current();
      const files = [
        ...pageFiles.map((urls, i) => ({ path: `/sitemaps/pages-${i}.xml`, lastModified: newestOf(urls) })),
        ...chunks.map((chunk) => ({ path: `/sitemaps/papers-${chunk.chunk}.xml`, lastModified: chunk.lastModified })),
      ];
      const entries = files.map(
        (f) => `<sitemap><loc>${xmlEscape(base + f.path)}</loc>${f.lastModified ? `<lastmod>${w3cDate(f.lastModified)}</lastmod>` : ''}</sitemap>`,
      );
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${XMLNS}">\n${entries.join('\n')}\n</sitemapindex>\n`;
      return xml(c, body, newestOf(files));
    },
    /** /sitemaps/pages-N.xml and /sitemaps/papers-N.xml. */
    file: async (c: Context) => {
      const m = /^(pages|papers)-(\d{1,6})\.xml$/.exec(c.req.param('file') ?? '');
      const n = m ? Number(m[2]) : -1;
      const { paperChunks: chunks, pageFiles } = await current();
      if (m?.[1] === 'pages' && pageFiles[n]) return xml(c, urlset(base, pageFiles[n]), newestOf(pageFiles[n]));
      const chunk = m?.[1] === 'papers' ? chunks[n] : undefined;
      if (!chunk) throw notFound(`no sitemap file ${c.req.path}`);
      // Read up to the next chunk's first id, so that papers added since the count never appear in two files;
      // a chunk may then run a few papers short of or over its count until the next recount.
      const papers = await papersFrom(ctx.database, { from: chunk.firstId, before: chunks[n + 1]?.firstId ?? null }, SITEMAP_MAX_URLS);
      const urls = papers.map((p) => ({ path: paperPath(p.id), lastModified: p.modifiedAt }));
      return xml(c, urlset(base, urls), chunk.lastModified);
    },
  };
}
