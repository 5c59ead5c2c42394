// A paper: its page (HTML, or Markdown on request), its files, its share image and its JSON. Registered last: a
// paper id may follow any /papers/ path.
import type { Services } from '../../services.ts';
import { get, type Route } from '../http/routes.ts';
import { PAPER_ID, paperFile } from '../input.ts';
import { paperHandlers, type PaperPageExtensions } from './handlers.tsx';

export function paperRoutes(services: Services, extensions: PaperPageExtensions): Route[] {
  const h = paperHandlers(services, extensions);
  return [
    get(`/papers/${PAPER_ID}`, h.page),
    get(`/papers/${paperFile('md')}`, h.markdown),
    get(`/papers/${paperFile('bib')}`, h.bibtex),
    get(`/papers/${PAPER_ID}/thumbnail.png`, h.thumbnailPng),
    get(`/papers/${PAPER_ID}/thumbnail.svg`, h.thumbnailSvg),
    get(`/api/papers/${PAPER_ID}`, h.api),
  ];
}
