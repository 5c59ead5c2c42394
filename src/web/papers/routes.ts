// A paper: its page, its share image and its JSON. Registered last: a paper id may follow any /papers/ path.
import type { Services } from '../../services.ts';
import { get, type Route } from '../http/routes.ts';
import { PAPER_ID } from '../input.ts';
import { paperHandlers, type PaperPageExtensions } from './handlers.tsx';

export function paperRoutes(services: Services, extensions: PaperPageExtensions): Route[] {
  const h = paperHandlers(services, extensions);
  return [get(`/papers/${PAPER_ID}`, h.page), get(`/papers/${PAPER_ID}/thumbnail.svg`, h.thumbnail), get(`/api/papers/${PAPER_ID}`, h.api)];
}
