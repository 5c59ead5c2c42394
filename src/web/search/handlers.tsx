// Search: the /search page, GET /api/papers/search (Hugging Face-shaped results with highlightedTitle /
// highlightedSummary) and GET /api/papers/{id}/similar. Parse and validate here; ranking lives in src/search.
import type { Context } from 'hono';
import { z } from 'zod';
import { listedPapersByIds, type ListedPaper } from '../../db/listings.ts';
import { peopleOfListed } from '../../db/people.ts';
import { notFound } from '../../errors.ts';
import { texToUnicodeLine } from '../../domain/tex.ts';
import { highlight, snippet } from '../../search/highlight.ts';
import type { HighlightPart, SearchResult } from '../../search/types.ts';
import { hfDailyItem, type HfDailyItem } from '../api/shapes.ts';
import { htmlDocument, Layout, type FeedLink } from '../components/layout.tsx';
import { paperPath } from '../components/paper-card.tsx';
import { Pager } from '../components/pager.tsx';
import type { Services } from '../../services.ts';
import { feedLinks } from '../http/feeds.ts';
import { accountOf, jsonResponse } from '../http/responses.tsx';
import { arxivIdInPath, categoryParam, limitParam, parseFields, parseQuery, readForm, readJson, wholeNumber } from '../input.ts';

/** Longer input is refused with 400 (a pasted abstract is far shorter). */
const MAX_QUERY_LENGTH = 20_000;
/**
 * Past this many characters of query string the search form posts instead (app.js): a request's address and
 * headers together must fit in the server's 16 KiB (src/web/server.ts), and percent-encoding triples non-ASCII text.
 */
const URL_QUERY_BUDGET = 6_000;
const PAGE_SIZE = 20;

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
});

type SearchQuery = z.infer<typeof searchQuerySchema>;

/** GET /api/papers/search: the query is required, as Hugging Face's search declares it. */
const apiSearchQuerySchema = searchQuerySchema.extend({
  q: z.string({ required_error: 'give the search as q=…' }).max(MAX_QUERY_LENGTH, `query longer than ${MAX_QUERY_LENGTH} characters`),
});

/** GET /api/papers/{id}/similar?limit= */
const similarQuerySchema = z.object({ limit: limitParam.optional() });

async function runSearch(ctx: Services, q: SearchQuery, limit: number) {
  const page = q.p ?? 0;
  const result = await ctx.search.search(q.q, {
    limit,
    offset: page * limit,
    sort: q.sort,
    mode: q.mode,
    filters: { categories: q.category ? [q.category] : undefined, author: q.author || undefined, yearFrom: q.yearFrom, yearTo: q.yearTo },
  });
  const listed = await listedPapersByIds(ctx.database, result.hits.map((h) => h.id));
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

function Highlighted(props: { parts: HighlightPart[] }) {
  return <>{props.parts.map((p) => (p.type === 'highlight' ? <mark>{p.text}</mark> : p.text))}</>;
}

/** The parameters that change what a search shows, defaults left out: the pager's links and the canonical URL. */
function searchParams(q: SearchQuery): Record<string, string | undefined> {
  return {
    q: q.q || undefined,
    category: q.category,
    author: q.author,
    yearFrom: q.yearFrom?.toString(),
    yearTo: q.yearTo?.toString(),
    sort: q.sort === 'relevance' ? undefined : q.sort,
    mode: q.mode === 'hybrid' ? undefined : q.mode,
  };
}

function queryString(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return defined.length ? `?${new URLSearchParams(defined)}` : '';
}

/** The search's own URL, with what it searched for, so a shared or bookmarked link gives the same results. */
function canonicalSearchUrl(baseUrl: string, q: SearchQuery): string {
  return `${baseUrl}/search${queryString({ ...searchParams(q), p: q.p ? String(q.p) : undefined })}`;
}

/** The feeds of a search (search/feed.ts takes the query and a category): a reader can follow the topic. */
function searchFeeds(q: SearchQuery): FeedLink[] {
  if (!q.q.trim()) return [];
  return feedLinks('/search', `Search: ${q.q.slice(0, 80)}`, queryString({ q: q.q, category: q.category }));
}

function SearchPage(props: { q: SearchQuery; result: SearchResult | null; byId: Map<string, ListedPaper>; page: number; canonical: string; account: { username: string } | null }) {
  const { q, result } = props;
  const wanted = new Set(result?.parsed.terms ?? []);
  const params = searchParams(q);
  return (
    <Layout
      title={q.q ? `Search: ${q.q.slice(0, 80)}` : 'Search'}
      canonical={props.canonical}
      current="search"
      account={props.account}
      noindex={Boolean(q.q)}
      feeds={searchFeeds(q)}
    >
      <h1>Search papers</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form keeps the landmark in browsers older than the <search> element */}
      <form class="search-form" method="get" action="/search" role="search" data-post-over={String(URL_QUERY_BUDGET)}>
        <label>
          Query <input type="search" name="q" value={q.q} maxlength={MAX_QUERY_LENGTH} placeholder='diffusion models, "vision transformer", author:hinton, year:2024-2025' />
        </label>
        <label>
          Category <input type="text" name="category" value={q.category ?? ''} placeholder="cs.CL" size={8} />
        </label>
        <label>
          Author <input type="text" name="author" value={q.author ?? ''} size={14} />
        </label>
        <label>
          From <input type="number" name="yearFrom" value={q.yearFrom?.toString() ?? ''} min="1900" max="2200" />
        </label>
        <label>
          To <input type="number" name="yearTo" value={q.yearTo?.toString() ?? ''} min="1900" max="2200" />
        </label>
        <label>
          Sort{' '}
          <select name="sort">
            {(['relevance', 'date', 'trending'] as const).map((s) => (
              <option value={s} selected={q.sort === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Mode{' '}
          <select name="mode">
            {(['hybrid', 'lexical', 'semantic'] as const).map((m) => (
              <option value={m} selected={q.mode === m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {result && (
        <section aria-label="Results">
          <p class="search-total">
            {result.total === 0 ? 'No papers found.' : `${result.total.toLocaleString('en-US')} papers`}
          </p>
          <ol class="search-results" start={props.page * PAGE_SIZE + 1}>
            {result.hits.map((hit) => {
              const listed = props.byId.get(hit.id);
              if (!listed) return null;
              const p = listed.paper;
              return (
                <li class="search-hit">
                  <h2>
                    <a href={paperPath(p.id)}>
                      <Highlighted parts={highlight(texToUnicodeLine(p.title), wanted)} />
                    </a>
                  </h2>
                  <p class="meta">
                    {p.authors.slice(0, 4).join(', ')}
                    {p.authors.length > 4 ? ' et al.' : ''} · {p.categories[0] ?? ''} · {p.announcedOn ?? p.submittedAt?.slice(0, 10) ?? ''}
                  </p>
                  <p class="snippet">
                    <Highlighted parts={highlight(snippet(texToUnicodeLine(p.abstract), wanted), wanted)} />
                  </p>
                  {p.keywords.length > 0 && (
                    <p class="tags">
                      {p.keywords.slice(0, 5).map((k) => (
                        <a class="tag" href={`/search?q=${encodeURIComponent(`"${k}"`)}`}>
                          {k}
                        </a>
                      ))}
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
          <Pager path="/search" params={params} page={props.page} limit={PAGE_SIZE} total={Math.min(result.total, 50 * PAGE_SIZE)} />
        </section>
      )}
    </Layout>
  );
}

/** The search parameters of a POST: a form's fields, or a JSON object's. The same rules as a query string. */
async function postedSearch(c: Context, schema: typeof searchQuerySchema | typeof apiSearchQuerySchema): Promise<SearchQuery> {
  const json = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
  const fields = json ? await readJson(c, z.record(z.string(), z.unknown())) : await readForm(c);
  return parseFields(Object.entries(fields), schema, 'bad_query');
}

export function searchHandlers(ctx: Services) {
  const page = async (c: Context, q: SearchQuery) => {
    const hasQuery = q.q.trim() !== '' || q.category || q.author || q.yearFrom !== undefined || q.yearTo !== undefined;
    const found = hasQuery ? await runSearch(ctx, q, PAGE_SIZE) : null;
    const html = htmlDocument(
      <SearchPage
        q={q}
        result={found?.result ?? null}
        byId={found?.byId ?? new Map()}
        page={found?.page ?? 0}
        canonical={canonicalSearchUrl(ctx.config.baseUrl, q)}
        account={accountOf(c)}
      />,
    );
    return c.html(html, 200, { 'Cache-Control': 'no-store' });
  };
  const api = async (c: Context, q: SearchQuery) => {
    const limit = q.limit ?? PAGE_SIZE;
    const { result, byId } = await runSearch(ctx, q, limit);
    return jsonResponse(c, apiItems(result, byId, await itemShaper(ctx, [...byId.values()])), null, { 'X-Total-Count': String(result.total) });
  };
  return {
    page: (c: Context) => page(c, parseQuery(c, searchQuerySchema)),
    /** POST /search: a query too long for an address (the form switches to POST past URL_QUERY_BUDGET). */
    pagePost: async (c: Context) => page(c, await postedSearch(c, searchQuerySchema)),
    api: (c: Context) => api(c, parseQuery(c, apiSearchQuerySchema)),
    /** POST /api/papers/search with a JSON object ({"q": "…", "limit": 20}) or a form: long queries. */
    apiPost: async (c: Context) => api(c, await postedSearch(c, apiSearchQuerySchema)),
    similar: async (c: Context) => {
      const parsed = arxivIdInPath(c);
      const k = parseQuery(c, similarQuerySchema).limit ?? 10;
      const hits = await ctx.search.similar(parsed.id, k);
      if (!hits.length && !(await listedPapersByIds(ctx.database, [parsed.id])).length) throw notFound(`no paper ${parsed.id} here`);
      const listed = await listedPapersByIds(ctx.database, hits.map((h) => h.id));
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
