// "For you": the signed-in person's recommendations, a tab of the home page.
import type { Services } from '../../services.ts';
import { get, type Route } from '../http/routes.ts';
import { requireUser } from '../security/auth.ts';
import { forYouHandlers } from './handlers.tsx';

export function forYouRoutes(services: Services): Route[] {
  const h = forYouHandlers(services);
  return [get('/for-you', requireUser, h.page)];
}
