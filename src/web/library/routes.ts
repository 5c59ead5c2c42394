// The library: save and unsave from any card or paper page (and the API), the library page and its private feed.
import type { Services } from '../../services.ts';
import { feeds, get, post, type Route } from '../http/routes.ts';
import { PAPER_ID } from '../input.ts';
import { requireUser } from '../security/auth.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { libraryHandlers } from './handlers.tsx';
import type { InterestRefresher } from './interests.ts';

export function libraryRoutes(services: Services, limits: CommunityLimits, interests: InterestRefresher): Route[] {
  const h = libraryHandlers(services, interests);
  return [
    post(`/papers/${PAPER_ID}/save`, requireUser, limits.curation.middleware, h.saveForm),
    post(`/api/papers/${PAPER_ID}/save`, requireUser, limits.curation.middleware, h.saveApi),
    get('/library', requireUser, h.page),
    ...feeds('/library/:key', h.feed),
  ];
}
