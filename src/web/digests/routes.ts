// Email digests: sign up (double opt-in), confirm, manage through a signed link, unsubscribe, preview. The
// one-click unsubscribe POST (RFC 8058) comes before the session and CSRF middleware, in app.tsx.
import type { Services } from '../../services.ts';
import { get, post, type Route } from '../http/routes.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { digestHandlers, type DigestShared } from './handlers.tsx';

export function digestRoutes(services: Services, shared: DigestShared, limits: CommunityLimits): Route[] {
  const h = digestHandlers(services, shared, limits);
  return [
    get('/subscribe', h.subscribePage),
    post('/subscribe', limits.subscribe.middleware, h.subscribe),
    get('/subscribe/confirm', h.confirmPage),
    post('/subscribe/confirm', h.confirm),
    get('/unsubscribe', h.unsubscribePage),
    get('/subscription', h.managePage),
    post('/subscription', h.savePreferences),
    get('/digest/preview', h.preview),
  ];
}
