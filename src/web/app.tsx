// The route table: every page, API route and feed in one readable place. A listing's HTML page, its JSON
// (Hugging Face-shaped API) and its RSS/Atom/JSON feeds sit side by side and share one loader.
// Other areas add their route lines in the marked sections; handlers live in their own modules.
import { Hono } from 'hono';
import { serveAsset } from './assets.ts';
import { adminStatus } from './api/admin-status.ts';
import { apiHandlers } from './api/papers.ts';
import { openApiDocument } from './api/openapi.ts';
import type { Services } from '../services.ts';
import { communityPanel, communityRoutes } from './community/routes.tsx';
import { digestRoutes, digestServices, unsubscribeHandler } from './digests/routes.tsx';
import { handleError, notFoundResponse } from './errors.tsx';
import { feedRoutes } from './feeds/render.ts';
import { createPageCache, isPersonalRequest, type PageCache } from './http/page-cache.ts';
import { listingHandlers } from './routes/listings.tsx';
import { searchHandlers, similarIdsFor } from './routes/search.tsx';
import { paperHandlers, type PaperPageExtensions } from './routes/paper.tsx';
import { searchFeedHandler } from './routes/search-feed.ts';
import { siteHandlers } from './routes/site.tsx';
import { sessionMiddleware } from './security/auth.ts';
import { csrfProtection } from './security/csrf.ts';
import { securityHeaders } from './security/headers.ts';
import { clientAddress, createRateLimiter } from './security/rate-limit.ts';

// Path patterns for arXiv ids: new style (2506.03569, optionally v2) and old style, whose slash needs two segments.
const NEW_ID = ':id{\\d+\\.\\d+(?:v\\d+)?}';
const OLD_ID = ':archive{[a-z-]+(?:\\.[A-Z]+)?}/:num{\\d+(?:v\\d+)?}';
// Periods: loose patterns (Hono's param regexes cannot hold {n} counts); zod validates and answers 400 with a reason.
const DAY = ':key{[0-9]+-[0-9]+-[0-9]+}';
const WEEK = ':key{[0-9]+-W[0-9]+}';
const MONTH = ':key{[0-9]+-[0-9]+}';

export interface App {
  app: Hono;
  /** The in-process cache of anonymous responses (tests clear it; the bench reports on it). */
  pageCache: PageCache;
}

export function createApp(ctx: Services, options: { paper?: PaperPageExtensions } = {}): Hono {
  return buildApp(ctx, options).app;
}

export function buildApp(ctx: Services, options: { paper?: PaperPageExtensions } = {}): App {
  const app = new Hono();
  const { config } = ctx;
  const pageCache = createPageCache({ ttlMs: config.PAGE_CACHE_SECONDS * 1000, maxEntries: 2_000 });
  const apiRateLimit = createRateLimiter({
    name: 'api',
    limit: config.API_RATE_LIMIT_PER_MINUTE,
    windowSeconds: 60,
    key: (c) => clientAddress(c, config.TRUST_PROXY),
    // Signed-in clients are limited by their own account's quotas (votes, comments), not by address.
    skip: isPersonalRequest,
  });

  // Health check first, before any middleware: load balancers poll it, and the http benchmark uses it as the
  // bare baseline (a constant string with nothing else running).
  app.get('/healthz', (c) => c.text('ok'));

  // ── Middleware, outermost first ──────────────────────────────────────────────────────────────────────────
  // The API quota counts every request, cached or not. The page cache comes next and keeps whole responses,
  // security headers included, so a hit is answered without running anything below it.
  app.use('/api/*', apiRateLimit.middleware);
  if (config.PAGE_CACHE_SECONDS > 0) app.use('*', pageCache.middleware);
  app.use('*', securityHeaders({ https: config.baseUrl.startsWith('https:') }));
  // RFC 8058 one-click unsubscribe (H6): mail providers POST without cookies or CSRF token; the signed token in the
  // URL authenticates it, so it is answered before the session and CSRF middleware.
  const digests = digestServices(ctx);
  app.post('/unsubscribe', unsubscribeHandler(ctx, digests));
  // Who is asking (session cookie or access token), then CSRF checks on every POST/PUT/PATCH/DELETE.
  app.use('*', sessionMiddleware(ctx));
  app.use('*', csrfProtection(ctx));

  const listings = listingHandlers(ctx);
  const papers = paperHandlers(ctx, { similarIds: similarIdsFor(ctx), community: communityPanel(ctx), ...options.paper });
  const api = apiHandlers(ctx);
  const site = siteHandlers(ctx);

  // ── Infrastructure ───────────────────────────────────────────────────────────────────────────────────────
  app.get('/assets/:file', serveAsset);
  app.get('/sitemap.xml', site.sitemap);
  app.get('/robots.txt', (c) => c.text(`User-agent: *\nDisallow: /api/\nSitemap: ${config.baseUrl}/sitemap.xml\n`));

  // ── Daily Papers: page · JSON · feeds ────────────────────────────────────────────────────────────────────
  app.get('/', listings.home);
  app.get('/papers/date', listings.pick('day'));
  app.get(`/papers/date/${DAY}`, listings.period('day'));
  feedRoutes(app, `/papers/date/${DAY}`, listings.periodFeed('day'));
  app.get('/papers/week', listings.pick('week'));
  app.get(`/papers/week/${WEEK}`, listings.period('week'));
  feedRoutes(app, `/papers/week/${WEEK}`, listings.periodFeed('week'));
  app.get('/papers/month', listings.pick('month'));
  app.get(`/papers/month/${MONTH}`, listings.period('month'));
  feedRoutes(app, `/papers/month/${MONTH}`, listings.periodFeed('month'));
  app.get('/api/daily_papers', api.dailyPapers);

  // ── Trending ─────────────────────────────────────────────────────────────────────────────────────────────
  app.get('/papers/trending', listings.trendingPage);
  feedRoutes(app, '/papers/trending', listings.trendingFeed);

  // ── Feeds that follow the latest period, and per category ─────────────────────────────────────────────────
  app.get('/feeds', site.feeds);
  feedRoutes(app, '/feeds/daily', listings.rollingFeed('day'));
  feedRoutes(app, '/feeds/weekly', listings.rollingFeed('week'));
  feedRoutes(app, '/feeds/monthly', listings.rollingFeed('month'));
  feedRoutes(app, '/feeds/category/:category', listings.categoryFeed);

  // ── Search (H4): /search page, /api/papers/search, /api/papers/{id}/similar — register before paper routes ──
  const search = searchHandlers(ctx);
  app.get('/search', search.page);
  app.get('/api/papers/search', search.api);
  app.get(`/api/papers/${NEW_ID}/similar`, search.similar);
  app.get(`/api/papers/${OLD_ID}/similar`, search.similar);
  feedRoutes(app, '/search', searchFeedHandler(ctx));

  // ── Operations: scheduler status (admins only) ──
  app.get('/api/admin/status', ...adminStatus(ctx));

  // ── Community (H5) and digests (H6) ──────────────────────────────────────────────────────────────────────
  app.route('/', communityRoutes(ctx));
  app.route('/', digestRoutes(ctx, digests));

  // ── Papers: page · JSON · share image (keep last: the id patterns are broad) ─────────────────────────────
  app.get(`/papers/${NEW_ID}`, papers.page);
  app.get(`/papers/${OLD_ID}`, papers.page);
  app.get(`/papers/${NEW_ID}/thumbnail.svg`, papers.thumbnail);
  app.get(`/papers/${OLD_ID}/thumbnail.svg`, papers.thumbnail);
  app.get(`/api/papers/${NEW_ID}`, api.paper);
  app.get(`/api/papers/${OLD_ID}`, api.paper);
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(config.baseUrl)));

  app.notFound((c) => notFoundResponse(c, config.baseUrl));
  app.onError((err, c) => handleError(err, c, ctx.logger, config.baseUrl));

  // Cached pages and feeds are answered before routing: a hit then costs a map lookup and a socket write, which
  // is what lets the home page keep up with a bare route. API paths still go through routing, so the per-address
  // quota counts every call (the middleware above answers their hits).
  if (config.PAGE_CACHE_SECONDS > 0) {
    const route = app.fetch;
    const isApi = (url: string) => url.startsWith('/api/', url.indexOf('/', url.indexOf('//') + 2));
    app.fetch = (request, env, executionContext) =>
      (!isApi(request.url) && pageCache.lookup(request)) || route(request, env, executionContext);
  }
  return { app, pageCache };
}
