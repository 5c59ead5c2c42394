// The API for scripts (an access token, `Authorization: Bearer pf_…`, or a browser session with X-CSRF-Token):
// upvote, comment, read a thread, submit a paper; the scheduler's status for admins; the OpenAPI document.
// The read API of listings, papers and search sits with their pages (listings/, papers/, search/).
import type { Services } from '../../services.ts';
import { represent } from '../http/conditional.ts';
import { get, post, type Route } from '../http/routes.ts';
import { PAPER_ID } from '../input.ts';
import type { InterestRefresher } from '../library/interests.ts';
import { requireRole, requireUser } from '../security/auth.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { adminStatusHandler } from './admin-status.ts';
import { communityApiHandlers } from './community.ts';
import { openApiDocument } from './openapi.ts';

export function apiRoutes(services: Services, limits: CommunityLimits, interests: InterestRefresher): Route[] {
  const community = communityApiHandlers(services, interests);
  const openApi = JSON.stringify(openApiDocument(services.config.baseUrl));
  return [
    post(`/api/papers/${PAPER_ID}/upvote`, requireUser, limits.votes.middleware, community.upvote),
    post(`/api/papers/${PAPER_ID}/comment`, requireUser, limits.comments.middleware, community.comment),
    get(`/api/papers/${PAPER_ID}/comments`, community.thread),
    post('/api/papers/submit', requireUser, community.submit),

    get('/api/admin/status', requireRole('admin'), adminStatusHandler(services)),
    get('/api/openapi.json', (c) => represent(c, { body: openApi, contentType: 'application/json; charset=utf-8', cacheControl: 'public, max-age=300' })),
  ];
}
