// Collections: their pages and forms, the feeds of public ones, and the Hugging Face-shaped API (with whoami).
// A collection's path is /collections/{owner}/{title-words}-{id}, as on Hugging Face.
import type { Services } from '../../services.ts';
import { del, feeds, get, patch, post, type Route } from '../http/routes.ts';
import { PAPER_ID } from '../input.ts';
import { requireUser } from '../security/auth.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { collectionApiHandlers } from './api.ts';
import { collectionHandlers } from './handlers.tsx';

const ONE = '/collections/:owner/:name';
const API_ONE = '/api/collections/:owner/:name';

export function collectionRoutes(services: Services, limits: CommunityLimits): Route[] {
  const h = collectionHandlers(services);
  const api = collectionApiHandlers(services);
  const edits = [requireUser, limits.curation.middleware] as const;
  return [
    get('/collections', h.index),
    get('/collections/new', requireUser, h.newPage),
    post('/collections', ...edits, h.create),
    get(ONE, h.page),
    ...feeds(ONE, h.feed),
    post(`${ONE}/items`, ...edits, h.addItem),
    post(`${ONE}/items/:itemId`, ...edits, h.editItem),
    post(`${ONE}/items/:itemId/move`, ...edits, h.moveItem),
    post(`${ONE}/items/:itemId/delete`, ...edits, h.removeItem),
    post(`${ONE}/edit`, ...edits, h.edit),
    post(`${ONE}/delete`, ...edits, h.delete),
    post(`/papers/${PAPER_ID}/collect`, ...edits, h.collect),

    get('/api/whoami-v2', requireUser, api.whoami),
    get('/api/collections', api.list),
    post('/api/collections', ...edits, api.create),
    get(API_ONE, api.get),
    patch(API_ONE, ...edits, api.update),
    del(API_ONE, ...edits, api.delete),
    post(`${API_ONE}/items`, ...edits, api.addItem),
    patch(`${API_ONE}/items/:itemId`, ...edits, api.updateItem),
    del(`${API_ONE}/items/:itemId`, ...edits, api.deleteItem),
  ];
}
