// The site's infrastructure: hashed static assets, the sitemap index and its files, and robots.txt.
import type { Services } from '../../services.ts';
import { serveAsset } from '../components/assets.ts';
import { represent } from '../http/conditional.ts';
import { get, type Route } from '../http/routes.ts';
import { sitemapHandlers, type SitemapOptions } from './sitemap.ts';

export function siteRoutes(services: Services, sitemap: SitemapOptions = {}): Route[] {
  const robots = `User-agent: *\nDisallow: /api/\nSitemap: ${services.config.baseUrl}/sitemap.xml\n`;
  const s = sitemapHandlers(services, sitemap);
  return [
    get('/assets/:file', serveAsset),
    get('/sitemap.xml', s.index),
    get('/sitemaps/:file{[a-z]+-[0-9]+\\.xml}', s.file),
    get('/robots.txt', (c) => represent(c, { body: robots, contentType: 'text/plain; charset=utf-8', cacheControl: 'public, max-age=3600' })),
  ];
}
