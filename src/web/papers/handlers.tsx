// A paper in each of its representations: the page (or Markdown, for clients that ask for it with
// `Accept: text/markdown`), /papers/{id}.md, /papers/{id}.bib, the share card as PNG and SVG, and its JSON
// (GET /api/papers/{id}, Hugging Face's shape). A versioned or decorated id redirects the page to its canonical URL.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { getListedPaper, listedPapersByIds, type ListedPaper } from '../../db/listings.ts';
import { NO_PEOPLE, peopleOfListed, type PaperPeople } from '../../db/people.ts';
import { notFound } from '../../errors.ts';
import { bibtexFor } from '../../domain/bibtex.ts';
import { publicationDate } from '../../domain/paper.ts';
import { paperMarkdown } from '../../domain/paper-markdown.ts';
import type { Services } from '../../services.ts';
import { hfPaper } from '../api/shapes.ts';
import { htmlDocument } from '../components/layout.tsx';
import { shareCardPng, shareCardSvg, type ShareCard } from '../components/share-image.ts';
import { paperPath } from '../components/paper-card.tsx';
import { represent } from '../http/conditional.ts';
import { xmlEscape } from '../http/feeds.ts';
import { prefersMarkdown } from '../http/negotiation.ts';
import { jsonResponse, newest } from '../http/responses.tsx';
import { arxivIdInPath, paperIdInPath } from '../input.ts';
import { pageBack, withCardState } from '../library/card-state.tsx';
import { currentUser, type CurrentUser } from '../security/auth.ts';
import { accountLinksHole } from '../components/account-links-hole.tsx';
import { type RenderedLive, templatedPage } from '../components/templated-page.ts';
import { PaperPage } from './paper-page.tsx';
import { readsOf } from '../http/request-reads.ts';
import type { Database } from '../../db/connect.ts';

/**
 * What the paper page needs from other parts of the product; each is optional so the page works alone. Each part
 * for a person is rendered for the viewer it is given: the page renders it once for anonymous readers (null) and
 * again on every request of a signed-in one.
 */
export interface PaperPageExtensions {
  /** Ids of similar papers, best first (search). Null when search cannot answer. */
  similarIds?: (id: string, k: number) => Promise<string[] | null>;
  /** The person's controls at the top: upvote, save, add to a collection (library/). */
  actions?: (c: Context, item: ListedPaper, viewer: CurrentUser | null) => Child | Promise<Child>;
  /**
   * The community panel (the comment thread), and when it would first read differently by the clock alone (null:
   * never), so that a signed-in viewer's copy is kept exactly as long as it is current.
   */
  community?: (c: Context, paperId: string, viewer: CurrentUser | null) => Promise<{ panel: Child; changesAt: number | null }>;
  /** The claim-authorship form and the visitor's own claim (people/). */
  claims?: (c: Context, item: ListedPaper, people: PaperPeople, viewer: CurrentUser | null) => Child | Promise<Child>;
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
  const item = await getListedPaper(readsOf(c, ctx.database), id);
  if (!item) throw notFound(`no paper ${id} here`);
  return { item, canonicalId: id };
}

async function peopleOf(database: Database, item: ListedPaper): Promise<PaperPeople> {
  return (await peopleOfListed(database, [item])).get(item.paper.id) ?? NO_PEOPLE;
}

/** Paper metadata changes rarely (a new version, a corrected title); readers of these files may keep them a while. */
const FILE_CACHE_CONTROL = 'public, max-age=300';
/** Share images are fetched once by each site a link is posted to; the upvote count on them may lag a day. */
const IMAGE_CACHE_CONTROL = 'public, max-age=86400';

function shareCardOf(item: ListedPaper): ShareCard {
  const p = item.paper;
  return { id: p.id, title: p.title, authors: p.authors, publishedOn: publicationDate(p)?.slice(0, 10) ?? null, upvotes: item.signals.upvotes };
}

/** A file name for downloads: old-style ids hold a slash. */
function fileName(id: string, extension: string): string {
  return `${id.replace('/', '_')}.${extension}`;
}

export function paperHandlers(ctx: Services, extensions: PaperPageExtensions = {}) {
  const pageUrl = (id: string) => ctx.config.baseUrl + paperPath(id);

  function markdown(c: Context, item: ListedPaper, headers: Record<string, string> = {}): Response {
    return represent(c, {
      body: paperMarkdown(item.paper, { pageUrl: pageUrl(item.paper.id) }),
      contentType: 'text/markdown; charset=utf-8',
      cacheControl: FILE_CACHE_CONTROL,
      lastModified: item.paper.modifiedAt,
      headers,
    });
  }

  return {
    page: async (c: Context) => {
      const { item, canonicalId } = await loadPaperOr404(ctx, c);
      // huggingface_hub and LLM tools ask for the paper as Markdown at the page's own address.
      if (prefersMarkdown(c.req.header('accept') ?? '')) return markdown(c, item, { Vary: 'Accept' });
      if (paperIdInPath(c) !== canonicalId) return c.redirect(paperPath(canonicalId), 301);
      const similarIds = extensions.similarIds ? await withDeadline(extensions.similarIds(canonicalId, SIMILAR_SHOWN + 1), SIMILAR_WAIT_MS, null) : null;
      const shownIds = similarIds?.filter((id) => id !== canonicalId).slice(0, SIMILAR_SHOWN) ?? null;
      // The parts a signed-in person sees as their own, rendered for them (templated-page.ts keeps them per person).
      const personal = async (item: ListedPaper, people: PaperPeople, viewer: CurrentUser | null): Promise<RenderedLive> => {
        const community = extensions.community ? await extensions.community(c, canonicalId, viewer) : { panel: '', changesAt: null };
        return {
          parts: {
            claims: extensions.claims ? String(await extensions.claims(c, item, people, viewer)) : '',
            actions: extensions.actions ? String(await extensions.actions(c, item, viewer)) : '',
            community: String(community.panel ?? ''),
          },
          changesAt: community.changesAt,
        };
      };
      return templatedPage(
        c,
        ctx,
        {
          // What search said is the page's one input besides the store (similar papers are kept per index state).
          inputs: shownIds === null ? 'no similar papers' : shownIds.join(' '),
          vary: ['Accept'],
          // Rendered for this request only, so the record this request read is the one to show.
          live: async () => personal(item, await peopleOf(readsOf(c, ctx.database), item), currentUser(c)),
        },
        async (template) => {
          // The record was read in this request's one reading of the store, the one the template's key names.
          const reads = readsOf(c, ctx.database);
          const people = await peopleOf(reads, item);
          const similar = shownIds === null ? null : await listedPapersByIds(reads, shownIds);
          const anonymous = (await personal(item, people, null)).parts;
          const document = htmlDocument(
            withCardState(
              { template, back: pageBack(c) },
              <PaperPage
                item={item}
                canonical={pageUrl(canonicalId)}
                baseUrl={ctx.config.baseUrl}
                similar={similar}
                people={people}
                claims={template.live('claims', anonymous.claims)}
                actions={template.live('actions', anonymous.actions)}
                community={template.live('community', anonymous.community)}
                accountLinks={accountLinksHole(template, null)}
              />,
            ),
          );
          return {
            document,
            paperIds: similar?.map((s) => s.paper.id) ?? [],
            lastModified: newest(item.paper.modifiedAt, people.modifiedAt),
          };
        },
      );
    },
    /** /papers/{id}.md: title, authors, links, abstract and BibTeX (domain/paper-markdown.ts). */
    markdown: async (c: Context) => markdown(c, (await loadPaperOr404(ctx, c)).item),
    /** /papers/{id}.bib: the entry the page's Cite box shows, as a file a reference manager imports. */
    bibtex: async (c: Context) => {
      const { item } = await loadPaperOr404(ctx, c);
      return represent(c, {
        body: `${bibtexFor(item.paper)}\n`,
        contentType: 'application/x-bibtex; charset=utf-8',
        cacheControl: FILE_CACHE_CONTROL,
        lastModified: item.paper.modifiedAt,
        headers: { 'Content-Disposition': `attachment; filename="${fileName(item.paper.id, 'bib')}"` },
      });
    },
    /** The 1200×630 share card: the Open Graph and Twitter image, and the API's thumbnail. */
    thumbnailPng: async (c: Context) => {
      const { item } = await loadPaperOr404(ctx, c);
      return represent(c, {
        body: new Uint8Array(shareCardPng(shareCardOf(item))),
        contentType: 'image/png',
        cacheControl: IMAGE_CACHE_CONTROL,
        lastModified: item.paper.modifiedAt,
      });
    },
    /** The same card as SVG, for browsers and anyone who wants it scalable. */
    thumbnailSvg: async (c: Context) => {
      const { item } = await loadPaperOr404(ctx, c);
      return represent(c, {
        body: shareCardSvg(shareCardOf(item)),
        contentType: 'image/svg+xml; charset=utf-8',
        cacheControl: IMAGE_CACHE_CONTROL,
        lastModified: item.paper.modifiedAt,
      });
    },
    api: async (c: Context) => {
      const { item } = await loadPaperOr404(ctx, c);
      const people = await peopleOf(readsOf(c, ctx.database), item);
      return jsonResponse(c, hfPaper(item, { people, baseUrl: ctx.config.baseUrl }), newest(item.paper.modifiedAt, people.modifiedAt));
    },
  };
}
