// The site's infrastructure: hashed static assets, the sitemap index and its files, robots.txt and security.txt.
import type { Services } from '../../services.ts';
import { serveAsset } from '../components/assets.ts';
import { represent } from '../http/conditional.ts';
import { get, type Route } from '../http/routes.ts';
import { sitemapHandlers, type SitemapOptions } from './sitemap.ts';

export function siteRoutes(services: Services, sitemap: SitemapOptions = {}): Route[] {
  const { baseUrl, CONTACT_EMAIL } = services.config;
  const robots = `User-agent: *\nDisallow: /api/\nSitemap: ${baseUrl}/sitemap.xml\n`;
  // RFC 9116: where to report a vulnerability. The operator's CONTACT_EMAIL; Expires a year after start-up, so a
  // running server never serves an expired file.
  const securityTxt = [
    `Contact: mailto:${CONTACT_EMAIL}`,
    `Expires: ${new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    'Preferred-Languages: en',
    `Canonical: ${baseUrl}/.well-known/security.txt`,
    '',
  ].join('\n');
  const s = sitemapHandlers(services, sitemap);
  return [
    get('/assets/:file', serveAsset),
    get('/sitemap.xml', s.index),
    get('/sitemaps/:file{[a-z]+-[0-9]+\\.xml}', s.file),
    get('/robots.txt', (c) => represent(c, { body: robots, contentType: 'text/plain; charset=utf-8', cacheControl: 'public, max-age=3600' })),
    get('/.well-known/security.txt', (c) => c.text(securityTxt)),
  ];
}
