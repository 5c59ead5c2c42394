// Site-wide documents: the feeds index and the sitemap.
import type { Context } from 'hono';
import { categoryCounts, daysWithSubmissions, sitemapEntries } from '../../db/listings.ts';
import { addDays } from '../../domain/periods.ts';
import { htmlDocument } from '../components/layout.tsx';
import { paperPath } from '../components/paper-card.tsx';
import { xmlEscape } from '../feeds/render.ts';
import { represent } from '../http/conditional.ts';
import { homeDay } from '../loaders.ts';
import { FeedsPage } from '../pages/feeds.tsx';
import type { Services } from '../../services.ts';
import { accountOf, htmlResponse } from './listings.tsx';

/** The sitemap protocol allows 50,000 URLs per file; the newest papers fill what the listings leave. */
const SITEMAP_MAX_URLS = 50_000;
const SITEMAP_DAYS = 1_000;

export function siteHandlers(ctx: Services) {
  const base = ctx.config.baseUrl;
  return {
    feeds: async (c: Context) => {
      const latest = await homeDay(ctx.database, () => ctx.clock());
      const categories = await categoryCounts(ctx.database, { start: addDays(latest, -30), end: latest }, 'announcements', 40);
      const groups = [
        { title: 'Daily Papers (latest day)', path: '/feeds/daily' },
        { title: 'Weekly Papers (latest week)', path: '/feeds/weekly' },
        { title: 'Monthly Papers (latest month)', path: '/feeds/monthly' },
        { title: 'Trending', path: '/papers/trending' },
      ];
      const html = htmlDocument(<FeedsPage canonical={`${base}/feeds`} groups={groups} categories={categories.map((x) => x.category).sort()} account={accountOf(c)} />);
      return htmlResponse(c, html, null);
    },
    sitemap: async (c: Context) => {
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
    },
  };
}
