// Moderation, for moderators and admins.
import type { Services } from '../../services.ts';
import { get, post, type Route } from '../http/routes.ts';
import type { InterestRefresher } from '../library/interests.ts';
import { requireRole } from '../security/auth.ts';
import { moderationHandlers } from './handlers.tsx';

export function moderationRoutes(services: Services, interests: InterestRefresher): Route[] {
  const h = moderationHandlers(services, interests);
  const moderator = requireRole('moderator');
  return [
    get('/mod', moderator, h.desk),
    post('/mod/comments/:id/:action{hide|unhide}', moderator, h.hideComment),
    post('/mod/comments/:id/dismiss', moderator, h.dismissReports),
    post('/mod/papers', moderator, h.paper),
    post('/mod/users', moderator, h.user),
    post('/mod/claims/:id/:action{approve|reject}', moderator, h.claim),
  ];
}
