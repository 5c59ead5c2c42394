// A paper's page, its share image and its JSON (GET /api/papers/{id}, Hugging Face's shape). A versioned or
// decorated id redirects to the canonical URL.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { getListedPaper, listedPapersByIds, type ListedPaper } from '../../db/listings.ts';
import { NO_PEOPLE, peopleOfListed, type PaperPeople } from '../../db/people.ts';
import { notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { hfPaper } from '../api/shapes.ts';
import { htmlDocument } from '../components/layout.tsx';
import { paperPath } from '../components/paper-card.tsx';
import { represent } from '../http/conditional.ts';
import { xmlEscape } from '../http/feeds.ts';
import { accountOf, htmlResponse, jsonResponse, newest } from '../http/responses.tsx';
import { arxivIdInPath, paperIdInPath } from '../input.ts';
import { cardState, withCardState } from '../library/card-state.tsx';
import { PaperPage } from './paper-page.tsx';

/** What the paper page needs from other parts of the product; each is optional so the page works alone. */
export interface PaperPageExtensions {
  /** Ids of similar papers, best first (search). Null when search cannot answer. */
  similarIds?: (id: string, k: number) => Promise<string[] | null>;
  /** The person's controls at the top: upvote, save, add to a collection (library/). */
  actions?: (c: Context, item: ListedPaper) => Child | Promise<Child>;
  /** The community panel (the comment thread). */
  community?: (c: Context, paperId: string) => Child | Promise<Child>;
  /** The claim-authorship form and the visitor's own claim (people/). */
  claims?: (c: Context, item: ListedPaper, people: PaperPeople) => Child | Promise<Child>;
}

const SIMILAR_SHOWN = 6;
/**
 * How long the page waits for similar papers. Search builds its index on first use (seconds on a large
 * store); the page is not held hostage to that: it renders without the section and the build goes on.
 */
const SIMILAR_WAIT_MS = 300;

async function withDeadline<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([work.catch(() => fallback), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The paper a route names, or a 404 for a malformed, unknown or hidden one. */
async function loadPaperOr404(ctx: Services, c: Context): Promise<{ item: ListedPaper; canonicalId: string }> {
  const { id } = arxivIdInPath(c);
  const item = await getListedPaper(ctx.database, id);
  if (!item) throw notFound(`no paper ${id} here`);
  return { item, canonicalId: id };
}

async function peopleOf(ctx: Services, item: ListedPaper): Promise<PaperPeople> {
  return (await peopleOfListed(ctx.database, [item])).get(item.paper.id) ?? NO_PEOPLE;
}

export function paperHandlers(ctx: Services, extensions: PaperPageExtensions = {}) {
  return {
    page: async (c: Context) => {
      const { item, canonicalId } = await loadPaperOr404(ctx, c);
      if (paperIdInPath(c) !== canonicalId) return c.redirect(paperPath(canonicalId), 301);
      let similar: ListedPaper[] | null = null;
      if (extensions.similarIds) {
        const ids = await withDeadline(extensions.similarIds(canonicalId, SIMILAR_SHOWN + 1), SIMILAR_WAIT_MS, null);
        similar = ids === null ? null : await listedPapersByIds(ctx.database, ids.filter((id) => id !== canonicalId).slice(0, SIMILAR_SHOWN));
      }
      const people = await peopleOf(ctx, item);
      const state = await cardState(ctx, c, similar?.map((s) => s.paper.id) ?? []);
      const html = htmlDocument(
        withCardState(state, <PaperPage
          item={item}
          canonical={ctx.config.baseUrl + paperPath(canonicalId)}
          baseUrl={ctx.config.baseUrl}
          similar={similar}
          people={people}
          claims={extensions.claims ? await extensions.claims(c, item, people) : undefined}
          actions={extensions.actions ? await extensions.actions(c, item) : undefined}
          community={extensions.community ? await extensions.community(c, canonicalId) : undefined}
          account={accountOf(c)}
        />),
      );
      return htmlResponse(c, html, newest(item.paper.modifiedAt, people.modifiedAt));
    },
    /** A 1200×630 card with the title, used as the Open Graph image and the API's thumbnail. */
    thumbnail: async (c: Context) => {
      const { item } = await loadPaperOr404(ctx, c);
      return represent(c, {
        body: thumbnailSvg(item),
        contentType: 'image/svg+xml; charset=utf-8',
        cacheControl: 'public, max-age=86400',
        lastModified: item.paper.modifiedAt,
      });
    },
    api: async (c: Context) => {
      const { item } = await loadPaperOr404(ctx, c);
      const people = await peopleOf(ctx, item);
      return jsonResponse(c, hfPaper(item, { people, baseUrl: ctx.config.baseUrl }), newest(item.paper.modifiedAt, people.modifiedAt));
    },
  };
}

function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length > width && line) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] += ' …';
  return kept;
}

export function thumbnailSvg(item: ListedPaper): string {
  const p = item.paper;
  const title = wrap(p.title, 34, 5)
    .map((l, i) => `<text x="64" y="${150 + i * 70}" font-size="56" font-weight="700">${xmlEscape(l)}</text>`)
    .join('');
  const authors = xmlEscape(p.authors.slice(0, 4).join(', ') + (p.authors.length > 4 ? ' et al.' : ''));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630" font-family="system-ui, sans-serif">
<rect width="1200" height="630" fill="#0f1115"/><g fill="#e6e8eb">${title}</g>
<text x="64" y="540" font-size="30" fill="#a3acb7">${authors}</text>
<text x="64" y="590" font-size="30" fill="#8ab4f8">arXiv:${xmlEscape(p.id)} · ${item.signals.upvotes} upvotes · Paperfeed</text>
</svg>`;
}
