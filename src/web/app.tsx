// The app: middleware in order, then every route, one table per area. A reader finds any route in two steps:
// the list of areas below, then that area's routes.ts (method, path, handlers; one line each).
import { Hono } from 'hono';
import type { Services } from '../services.ts';
import { accountRoutes } from './accounts/routes.ts';
import { apiRoutes } from './api/routes.ts';
import { digestRoutes } from './digests/routes.ts';
import { digestShared, unsubscribeHandler } from './digests/handlers.tsx';
import { discussionPanel } from './discussion/handlers.tsx';
import { discussionRoutes } from './discussion/routes.ts';
import { codingOf, compression } from './http/compression.ts';
import { crossOriginReads } from './http/cors.ts';
import { handleError, notFoundResponse } from './http/errors.tsx';
import { prefersMarkdown } from './http/negotiation.ts';
import { createPageCache, type PageCache } from './http/page-cache.ts';
import { register } from './http/routes.ts';
import { collectionRoutes } from './collections/routes.ts';
import { forYouRoutes } from './for-you/routes.ts';
import { interestRefresher, type InterestRefresher } from './library/interests.ts';
import { paperActions } from './library/paper-actions.tsx';
import { libraryRoutes } from './library/routes.ts';
import { listingRoutes } from './listings/routes.ts';
import { moderationRoutes } from './moderation/routes.ts';
import type { PaperPageExtensions } from './papers/handlers.tsx';
import { paperRoutes } from './papers/routes.ts';
import { claimPanel } from './people/handlers.tsx';
import { peopleRoutes } from './people/routes.ts';
import { similarIdsFor } from './search/handlers.tsx';
import { searchRoutes } from './search/routes.ts';
import { carriesCredentials, currentUser, sessionMiddleware } from './security/auth.ts';
import { communityLimits } from './security/community-limits.ts';
import { csrfProtection } from './security/csrf.ts';
import { securityHeaderSet, securityHeaders } from './security/headers.ts';
import { siteRoutes } from './site/routes.ts';
import type { SitemapOptions } from './site/sitemap.ts';
import { submissionRoutes } from './submissions/routes.ts';

export interface App {
  app: Hono;
  /** The in-process cache of anonymous responses (tests clear it; the bench reports on it). */
  pageCache: PageCache;
  /** Background refits of "For you" models after saves, votes and claims (tests wait for them). */
  interests: InterestRefresher;
}

export interface AppOptions {
  paper?: PaperPageExtensions;
  sitemap?: SitemapOptions;
}

export function createApp(services: Services, options: AppOptions = {}): Hono {
  return buildApp(services, options).app;
}

export function buildApp(services: Services, options: AppOptions = {}): App {
  const app = new Hono();
  const { config } = services;
  const security = { https: config.baseUrl.startsWith('https:') };
  const pageCache = createPageCache({
    ttlMs: config.PAGE_CACHE_SECONDS * 1000,
    maxEntries: 2_000,
    isPersonal: (c) => currentUser(c) !== null,
    headers: securityHeaderSet(security),
    // Each content coding (and a paper's Markdown) is its own entry, so a hit is never recompressed.
    variant: (request) => {
      const coding = codingOf(request) ?? '';
      return prefersMarkdown(request.headers.get('accept') ?? '') ? `${coding} md` : coding;
    },
  });
  // Every rate limit, counted in the database so several processes enforce one limit. Pages and the script API
  // draw from the same community quotas; digest pages and the one-click unsubscribe share the link signer and the
  // cached period content.
  const limits = communityLimits(services);
  const digests = digestShared(services);
  const interests = interestRefresher(services);

  // Health check first, before any middleware: load balancers poll it, and the http benchmark uses it as the
  // bare baseline (a constant string with nothing else running).
  app.get('/healthz', (c) => c.text('ok'));

  // ── Middleware, outermost first ──────────────────────────────────────────────────────────────────────────
  // Security headers on every response, errors and 429s included. Then who is asking (session cookie or access
  // token, verified: junk credentials leave the request anonymous). The API quota counts every anonymous request,
  // cached or not. The page cache serves and keeps anonymous responses: compressed, with CORS headers (the two
  // middleware inside it) and the security headers, so a hit is answered without running anything below it.
  app.use('*', securityHeaders(security));
  app.use('*', sessionMiddleware(services));
  app.use('/api/*', limits.api.middleware);
  if (config.PAGE_CACHE_SECONDS > 0) app.use('*', pageCache.middleware);
  app.use('*', compression());
  app.use('*', crossOriginReads());
  // RFC 8058 one-click unsubscribe: mail providers POST without cookies or CSRF token; the signed token in the
  // URL authenticates it, so it is answered before the CSRF middleware.
  app.post('/unsubscribe', unsubscribeHandler(services, digests));
  // CSRF checks and body limits on every POST/PUT/PATCH/DELETE.
  app.use('*', csrfProtection(services));

  // ── Routes, one table per area ───────────────────────────────────────────────────────────────────────────
  register(app, [
    ...siteRoutes(services, options.sitemap), // assets, sitemap, robots.txt
    ...listingRoutes(services), //               Daily Papers, trending, their JSON and feeds
    ...searchRoutes(services, limits), //        /search, its feeds and API, similar papers
    ...accountRoutes(services, limits), //       sign in and up, settings, profiles
    ...submissionRoutes(services), //            /submit
    ...discussionRoutes(services, limits, interests), // upvotes and comments from the pages
    ...libraryRoutes(services, limits, interests), // save to the library, /library and its feed
    ...collectionRoutes(services, limits), //    collections, their feeds, their Hugging Face API, whoami
    ...forYouRoutes(services), //                the "For you" tab
    ...peopleRoutes(services), //                authors, organisations, avatars, claiming authorship
    ...moderationRoutes(services, interests), // /mod
    ...digestRoutes(services, digests, limits), // subscribe, confirm, manage, unsubscribe, preview
    ...apiRoutes(services, limits, interests), //           the script API, admin status, OpenAPI
    // A paper id may follow any /papers/ path, so the paper's own routes come last.
    ...paperRoutes(services, {
      similarIds: similarIdsFor(services),
      actions: paperActions(services),
      community: discussionPanel(services),
      claims: claimPanel(services),
      ...options.paper,
    }),
  ]);

  app.notFound((c) => notFoundResponse(c, config.baseUrl));
  app.onError((err, c) => handleError(err, c, services.logger, config.baseUrl));

  // Cached pages and feeds are answered before routing: a hit then costs a map lookup and a socket write, which
  // is what lets the home page keep up with a bare route. Requests that carry credentials go through routing, where
  // they are verified first (the page cache middleware answers them when they turn out anonymous); so do API paths,
  // so the per-address quota counts every call.
  if (config.PAGE_CACHE_SECONDS > 0) {
    const route = app.fetch;
    const isApi = (url: string) => url.startsWith('/api/', url.indexOf('/', url.indexOf('//') + 2));
    app.fetch = (request, env, executionContext) =>
      (!isApi(request.url) && !carriesCredentials(request) && pageCache.lookup(request)) || route(request, env, executionContext);
  }
  return { app, pageCache, interests };
}
