// Search: the /search page, its feeds, /api/papers/search, GET /api/papers/{id}/similar, and asking for a paper that is
// not stored to be indexed. Queries too long for an address are POSTed to the same paths; those POSTs only read, so
// they need no CSRF token (src/web/security/csrf.ts), and they count against the per-address API quota.
import type { Services } from '../../services.ts';
import { feeds, get, post, type Route } from '../http/routes.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { PAPER_ID } from '../input.ts';
import { requireUser } from '../security/auth.ts';
import { searchFeedHandler } from './feed.ts';
import { searchHandlers } from './handlers.tsx';

export function searchRoutes(services: Services, limits: CommunityLimits): Route[] {
  const h = searchHandlers(services);
  return [
    get('/search', h.page),
    // Asking for a paper to be indexed: the page's form (CSRF) and the API (access token, or session + CSRF header).
    post('/search/index', requireUser, h.indexForm),
    post('/api/papers/index', requireUser, h.indexApi),
    post('/search', limits.api.middleware, h.pagePost),
    post('/api/papers/search', h.apiPost),
    ...feeds('/search', searchFeedHandler(services)),
    get('/api/papers/search', h.api),
    get(`/api/papers/${PAPER_ID}/similar`, h.similar),
  ];
}
