// Submitting papers to the Daily Papers.
import type { Services } from '../../services.ts';
import { get, post, type Route } from '../http/routes.ts';
import { requireUser } from '../security/auth.ts';
import { submissionHandlers } from './handlers.tsx';

export function submissionRoutes(services: Services): Route[] {
  const h = submissionHandlers(services);
  return [get('/submit', requireUser, h.form), post('/submit', requireUser, h.submit)];
}
