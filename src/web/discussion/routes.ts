// Upvotes and comments on papers, from their pages.
import type { Services } from '../../services.ts';
import { get, post, type Route } from '../http/routes.ts';
import { PAPER_ID } from '../input.ts';
import { requireUser } from '../security/auth.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import type { InterestRefresher } from '../library/interests.ts';
import { discussionHandlers } from './handlers.tsx';

export function discussionRoutes(services: Services, limits: CommunityLimits, interests: InterestRefresher): Route[] {
  const h = discussionHandlers(services, interests);
  return [
    post(`/papers/${PAPER_ID}/upvote`, requireUser, limits.votes.middleware, h.upvote),
    post(`/papers/${PAPER_ID}/comments`, requireUser, limits.comments.middleware, h.comment),
    get(`/papers/${PAPER_ID}/discussion`, h.discussion),
    get('/comments/:id/edit', requireUser, h.editPage),
    post('/comments/:id/edit', requireUser, h.edit),
    post('/comments/:id/delete', requireUser, h.delete),
    post('/comments/:id/report', requireUser, limits.comments.middleware, h.report),
  ];
}
