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

export function sitemapHandler(ctx: Services) {
  const base = ctx.config.baseUrl;
  return async (c: Context) => {
    const days = await daysWithSubmissions(ctx.database, SITEMAP_DAYS);
    const fixed = ['/', '/papers/trending', '/feeds'];
    const papers = await sitemapEntries(ctx.database, SITEMAP_MAX_URLS - fixed.length - days.length);
    const urls = [
      ...fixed.map((p) => `<url><loc>${xmlEscape(base + p)}</loc><changefreq>hourly</changefreq></url>`),
      ...days.map((d) => `<url><loc>${xmlEscape(`${base}/papers/date/${d}`)}</loc></url>`),
      ...papers.map((p) => `<url><loc>${xmlEscape(base + paperPath(p.id))}</loc><lastmod>${p.modifiedAt.slice(0, 10)}</lastmod></url>`),
    ];
    return represent(c, {
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      contentType: 'application/xml; charset=utf-8',
      cacheControl: 'public, max-age=3600',
      lastModified: papers[0]?.modifiedAt ?? null,
    });
  };
}
