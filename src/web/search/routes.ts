// Search: the /search page, its feeds, /api/papers/search and GET /api/papers/{id}/similar. Queries too long for an
// address are POSTed to the same paths; those POSTs only read, so they need no CSRF token (src/web/security/csrf.ts),
// and they count against the per-address API quota.
import type { Services } from '../../services.ts';
import { feeds, get, post, type Route } from '../http/routes.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { PAPER_ID } from '../input.ts';
import { searchFeedHandler } from './feed.ts';
import { searchHandlers } from './handlers.tsx';

export function searchRoutes(services: Services, limits: CommunityLimits): Route[] {
  const h = searchHandlers(services);
  return [
    get('/search', h.page),
    post('/search', limits.api.middleware, h.pagePost),
    post('/api/papers/search', h.apiPost),
    ...feeds('/search', searchFeedHandler(services)),
    get('/api/papers/search', h.api),
    get(`/api/papers/${PAPER_ID}/similar`, h.similar),
  ];
}
