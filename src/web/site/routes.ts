// The site's infrastructure: hashed static assets, the sitemap, robots.txt and security.txt.
import type { Services } from '../../services.ts';
import { get, type Route } from '../http/routes.ts';
import { serveAsset } from '../components/assets.ts';
import { sitemapHandler } from './sitemap.ts';

export function siteRoutes(services: Services): Route[] {
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
  return [
    get('/assets/:file', serveAsset),
    get('/sitemap.xml', sitemapHandler(services)),
    get('/robots.txt', (c) => c.text(robots)),
    get('/.well-known/security.txt', (c) => c.text(securityTxt)),
  ];
}
