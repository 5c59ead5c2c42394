// Search: the /search page, its feeds, GET /api/papers/search and GET /api/papers/{id}/similar.
import type { Services } from '../../services.ts';
import { feeds, get, type Route } from '../http/routes.ts';
import { PAPER_ID } from '../input.ts';
import { searchFeedHandler } from './feed.ts';
import { searchHandlers } from './handlers.tsx';

export function searchRoutes(services: Services): Route[] {
  const h = searchHandlers(services);
  return [
    get('/search', h.page),
    ...feeds('/search', searchFeedHandler(services)),
    get('/api/papers/search', h.api),
    get(`/api/papers/${PAPER_ID}/similar`, h.similar),
  ];
}
