// The site's infrastructure: hashed static assets, the sitemap and robots.txt.
import type { Services } from '../../services.ts';
import { get, type Route } from '../http/routes.ts';
import { serveAsset } from '../components/assets.ts';
import { sitemapHandler } from './sitemap.ts';

export function siteRoutes(services: Services): Route[] {
  const robots = `User-agent: *\nDisallow: /api/\nSitemap: ${services.config.baseUrl}/sitemap.xml\n`;
  return [
    get('/assets/:file', serveAsset),
    get('/sitemap.xml', sitemapHandler(services)),
    get('/robots.txt', (c) => c.text(robots)),
  ];
}
