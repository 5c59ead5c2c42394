// Search: the /search page (search-page.tsx), GET /api/papers/search (Hugging Face-shaped results with highlightedTitle
// / highlightedSummary), GET /api/papers/{id}/similar, and asking for a paper to be indexed (the page's form and
// POST /api/papers/index). Parse and validate here; ranking lives in src/search, the queue in src/jobs.
import type { Context } from 'hono';
import { readsOf } from '../http/request-reads.ts';
import { z } from 'zod';
import { listedPapersByIds, type ListedPaper } from '../../db/listings.ts';
import { peopleOfListed } from '../../db/people.ts';
import { notFound } from '../../errors.ts';
import type { HighlightPart, SearchResult } from '../../search/types.ts';
import { requestPaperIndex } from '../../jobs/index-requests.ts';
import { hfDailyItem, type HfDailyItem } from '../api/shapes.ts';
import { htmlDocument } from '../components/layout.tsx';
import { paperPath } from '../components/paper-card.tsx';
import type { Services } from '../../services.ts';
import { formProblem } from '../http/errors.tsx';
import { cardState, pageBack, withCardState } from '../library/card-state.tsx';
import { accountOf, jsonResponse } from '../http/responses.tsx';
import { arxivIdInPath, categoryParam, formText, limitParam, parseFields, parseQuery, readForm, readJson, wholeNumber } from '../input.ts';
import { currentUser, userOrFail } from '../security/auth.ts';
import { csrfToken } from '../security/csrf.ts';
import { MAX_QUERY_LENGTH, PAGE_SIZE, SearchPage, searchHref, searchParams, type IndexNotice, type SearchView } from './search-page.tsx';

const searchQuerySchema = z.object({
  q: z.string().max(MAX_QUERY_LENGTH, `query longer than ${MAX_QUERY_LENGTH} characters`).optional().default(''),
  category: categoryParam.optional(),
  author: z.string().max(200, 'author longer than 200 characters').optional(),
  yearFrom: wholeNumber(1900, 2200).optional(),
  yearTo: wholeNumber(1900, 2200).optional(),
  sort: z.enum(['relevance', 'date', 'trending']).optional().default('relevance'),
  mode: z.enum(['hybrid', 'lexical', 'semantic']).optional().default('hybrid'),
  limit: limitParam.optional(),
  // Search answers at most 1,000 hits (src/search): 50 pages of 20.
  p: wholeNumber(0, 49).optional(),
  /** off: search the query as typed, without spelling correction ("search instead for …"). */
  spelling: z.enum(['on', 'off']).optional(),
});

export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** GET /api/papers/search: the query is required, as Hugging Face's search declares it. */
const apiSearchQuerySchema = searchQuerySchema.extend({
  q: z.string({ required_error: 'give the search as q=…' }).max(MAX_QUERY_LENGTH, `query longer than ${MAX_QUERY_LENGTH} characters`),
});

/** GET /api/papers/{id}/similar?limit= */
const similarQuerySchema = z.object({ limit: limitParam.optional() });

async function runSearch(ctx: Services, q: SearchQuery, limit: number, countMatching = false) {
  const page = q.p ?? 0;
  const result = await ctx.search.search(q.q, {
    limit,
    offset: page * limit,
    sort: q.sort,
    mode: q.mode,
    correctSpelling: q.spelling !== 'off',
    countMatching,
    filters: { categories: q.category ? [q.category] : undefined, author: q.author || undefined, yearFrom: q.yearFrom, yearTo: q.yearTo },
  });
  const listed = await listedPapersByIds(
    ctx.database,
    result.hits.map((h) => h.id),
  );
  const byId = new Map(listed.map((l) => [l.paper.id, l]));
  return { result, byId, page };
}

/** A daily-papers item (the one shape of every list) with Hugging Face's search highlights. */
export interface HfSearchItem extends HfDailyItem {
  highlightedTitle: HighlightPart[];
  highlightedSummary: HighlightPart[];
  /** Paperfeed additions. */
  snippet: string;
  score: number;
  scoreParts: { lexical?: number; semantic?: number };
}

/** The list item for these papers, with their people (one batch of queries for all of them). */
async function itemShaper(ctx: Services, listed: ListedPaper[]): Promise<(l: ListedPaper) => HfDailyItem> {
  const people = await peopleOfListed(ctx.database, listed);
  return (l) => hfDailyItem(l, { people: people.get(l.paper.id), baseUrl: ctx.config.baseUrl });
}

function apiItems(result: SearchResult, byId: Map<string, ListedPaper>, shape: (listed: ListedPaper) => HfDailyItem): HfSearchItem[] {
  const items: HfSearchItem[] = [];
  for (const hit of result.hits) {
    const listed = byId.get(hit.id);
    if (!listed) continue;
    items.push({
      ...shape(listed),
      highlightedTitle: hit.highlights.title,
      highlightedSummary: hit.highlights.summary,
      snippet: hit.snippet,
      score: hit.score,
      scoreParts: hit.parts,
    });
  }
  return items;
}

/** The search parameters of a POST: a form's fields, or a JSON object's. The same rules as a query string. */
async function postedSearch(c: Context, schema: typeof searchQuerySchema | typeof apiSearchQuerySchema): Promise<SearchQuery> {
  const json = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
  const fields = json ? await readJson(c, z.record(z.string(), z.unknown())) : await readForm(c);
  return parseFields(Object.entries(fields), schema, 'bad_query');
}

export function searchHandlers(ctx: Services) {
  const render = async (c: Context, view: Omit<SearchView, 'canonical' | 'account' | 'csrf'>, status = 200) => {
    const { q } = view;
    const known = view.found?.result.knownItem;
    const csrf = known && !known.stored && currentUser(c) ? csrfToken(c) : null;
    const href = q.q ? searchHref(searchParams(q)) : '/search';
    const canonical = `${ctx.config.baseUrl}${href}`;
    // The cards' upvote and save forms come back here: to this address, or for a POSTed query to its GET form
    // (a query too long for that sends them to the paper instead, safeLocalPath's limit).
    const state = await cardState(ctx, c, [...(view.found?.byId.keys() ?? [])], c.req.method === 'GET' ? pageBack(c) : href);
    const html = htmlDocument(withCardState(state, <SearchPage {...view} canonical={canonical} account={accountOf(c)} csrf={csrf} />));
    c.header('Cache-Control', 'no-store');
    return c.html(html, status as 200);
  };
  const page = async (c: Context, q: SearchQuery) => {
    const hasQuery = q.q.trim() !== '' || q.category || q.author || q.yearFrom !== undefined || q.yearTo !== undefined;
    const found = hasQuery ? await runSearch(ctx, q, PAGE_SIZE, true) : null;
    // An exact arXiv id names one paper: go to it (the API lists it first instead).
    const known = found?.result.knownItem;
    if (known?.stored && found?.page === 0) return c.redirect(paperPath(known.id), 303);
    return render(c, { q, found });
  };
  const api = async (c: Context, q: SearchQuery) => {
    const limit = q.limit ?? PAGE_SIZE;
    const { result, byId } = await runSearch(ctx, q, limit, true);
    const headers: Record<string, string> = { 'X-Total-Count': String(result.total), 'X-Matching-Count': String(result.matching ?? result.total) };
    if (result.spelling?.applied) headers['X-Search-Corrected'] = encodeURIComponent(result.spelling.corrected);
    return jsonResponse(c, apiItems(result, byId, await itemShaper(ctx, [...byId.values()])), null, headers);
  };
  /** Queues a paper through the index-request queue (its limits are per person and overall). */
  const requestIndex = (c: Context, arxivId: string) => requestPaperIndex(ctx, { arxivId, requester: `user:${userOrFail(c).id}` });
  return {
    page: (c: Context) => page(c, parseQuery(c, searchQuerySchema)),
    /** POST /search: a query too long for an address (the form switches to POST past URL_QUERY_BUDGET). */
    pagePost: async (c: Context) => page(c, await postedSearch(c, searchQuerySchema)),
    api: (c: Context) => api(c, parseQuery(c, apiSearchQuerySchema)),
    /** POST /api/papers/search with a JSON object ({"q": "…", "limit": 20}) or a form: long queries. */
    apiPost: async (c: Context) => api(c, await postedSearch(c, apiSearchQuerySchema)),
    /** POST /search/index (the page's form): queue the paper, then show the page for its id with the outcome. */
    indexForm: async (c: Context) => {
      const arxivId = formText((await readForm(c)).arxivId).trim();
      const q = parseFields([['q', arxivId]], searchQuerySchema, 'bad_query');
      let notice: IndexNotice;
      try {
        const outcome = await requestIndex(c, arxivId);
        if (outcome.status === 'stored') return c.redirect(paperPath(outcome.arxivId), 303);
        notice = { outcome };
      } catch (e) {
        const err = formProblem(e);
        if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
        notice = { error: err.message };
        return render(c, { q, found: await runSearch(ctx, q, PAGE_SIZE, true), notice }, err.status);
      }
      return render(c, { q, found: await runSearch(ctx, q, PAGE_SIZE, true), notice }, 202);
    },
    /** POST /api/papers/index {"arxivId": "…"}: 200 when stored already, 202 with the queue position and an estimate. */
    indexApi: async (c: Context) => {
      const body = await readJson(
        c,
        z
          .object({ arxivId: z.string({ required_error: 'give the paper as {"arxivId": "2506.00338"}' }).max(300, 'arxivId longer than 300 characters') })
          .strict(),
      );
      const outcome = await requestIndex(c, body.arxivId);
      const url = `${ctx.config.baseUrl}${paperPath(outcome.arxivId)}`;
      return outcome.status === 'stored' ? c.json({ ...outcome, url }, 200) : c.json({ ...outcome, url }, 202);
    },
    similar: async (c: Context) => {
      const parsed = arxivIdInPath(c);
      const k = parseQuery(c, similarQuerySchema).limit ?? 10;
      const hits = await ctx.search.similar(parsed.id, k);
      const reads = readsOf(c, ctx.database);
      if (!hits.length && !(await listedPapersByIds(reads, [parsed.id])).length) throw notFound(`no paper ${parsed.id} here`);
      const listed = await listedPapersByIds(
        reads,
        hits.map((h) => h.id),
      );
      const byId = new Map(listed.map((l) => [l.paper.id, l]));
      const shape = await itemShaper(ctx, listed);
      return jsonResponse(
        c,
        hits.filter((h) => byId.has(h.id)).map((h) => ({ ...shape(byId.get(h.id)!), score: h.score })),
        null,
      );
    },
  };
}

/** For the paper page's "similar papers" list: null (no list) while the index is still being built. */
export function similarIdsFor(ctx: Services) {
  return async (id: string, k: number): Promise<string[] | null> => {
    try {
      const pending = ctx.search.similarIfReady(id, k);
      return pending ? (await pending).map((h) => h.id) : null;
    } catch {
      return null;
    }
  };
}
