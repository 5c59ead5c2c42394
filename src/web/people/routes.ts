// People: author pages and organisation pages with their feeds, the drawn avatars, and claiming authorship.
// Deciding claims is moderation's (moderation/routes.ts).
import type { Services } from '../../services.ts';
import { feeds, get, post, type Route } from '../http/routes.ts';
import { PAPER_ID } from '../input.ts';
import { requireUser } from '../security/auth.ts';
import { avatarHandler } from './avatars.ts';
import { peopleHandlers } from './handlers.tsx';

export function peopleRoutes(services: Services): Route[] {
  const h = peopleHandlers(services);
  return [
    get('/authors/:slug', h.authorPage),
    ...feeds('/authors/:slug', h.authorFeed),
    get('/orgs/:name', h.organizationPage),
    ...feeds('/orgs/:name', h.organizationFeed),
    get('/avatars/:file{.*\\.svg}', avatarHandler()),
    post(`/papers/${PAPER_ID}/claims`, requireUser, h.claim),
    post('/claims/:id/withdraw', requireUser, h.withdraw),
  ];
}
