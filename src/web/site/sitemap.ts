// The sitemap: the fixed pages, the days with submissions and the newest papers.
import type { Context } from 'hono';
import { daysWithSubmissions, sitemapEntries } from '../../db/listings.ts';
import type { Services } from '../../services.ts';
import { paperPath } from '../components/paper-card.tsx';
import { represent } from '../http/conditional.ts';
import { xmlEscape } from '../http/feeds.ts';

/** The sitemap protocol allows 50,000 URLs per file; the newest papers fill what the listings leave. */
const SITEMAP_MAX_URLS = 50_000;
const SITEMAP_DAYS = 1_000;

/**
 * Building the sitemap of a large store takes a long synchronous stretch (50,000 URLs; seconds on a busy machine), far
 * more than any page: it is kept for five minutes, which search engines never notice (it says max-age=3600), so a
 * flood of sitemap requests costs one build per five minutes instead of one per page-cache lifetime.
 */
const SITEMAP_REBUILD_MS = 5 * 60_000;

interface BuiltSitemap {
  body: string;
  lastModified: string | null;
}

export function sitemapHandler(ctx: Services) {
  const base = ctx.config.baseUrl;
  let built: { at: number; sitemap: Promise<BuiltSitemap> } | null = null;

  async function build(): Promise<BuiltSitemap> {
    const days = await daysWithSubmissions(ctx.database, SITEMAP_DAYS);
    const fixed = ['/', '/papers/trending', '/feeds'];
    const papers = await sitemapEntries(ctx.database, SITEMAP_MAX_URLS - fixed.length - days.length);
    const urls = [
      ...fixed.map((p) => `<url><loc>${xmlEscape(base + p)}</loc><changefreq>hourly</changefreq></url>`),
      ...days.map((d) => `<url><loc>${xmlEscape(`${base}/papers/date/${d}`)}</loc></url>`),
      ...papers.map((p) => `<url><loc>${xmlEscape(base + paperPath(p.id))}</loc><lastmod>${p.modifiedAt.slice(0, 10)}</lastmod></url>`),
    ];
    return {
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      lastModified: papers[0]?.modifiedAt ?? null,
    };
  }

  return async (c: Context) => {
    if (!built || Date.now() - built.at >= SITEMAP_REBUILD_MS) {
      const sitemap = build();
      built = { at: Date.now(), sitemap };
      // A failed build is not kept: the next request tries again.
      sitemap.catch(() => (built = null));
    }
    const { body, lastModified } = await built.sitemap;
    return represent(c, { body, contentType: 'application/xml; charset=utf-8', cacheControl: 'public, max-age=3600', lastModified });
  };
}
