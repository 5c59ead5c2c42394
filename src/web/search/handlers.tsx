// Search: the /search page, GET /api/papers/search (Hugging Face-shaped results with highlightedTitle /
// highlightedSummary) and GET /api/papers/{id}/similar. Parse and validate here; ranking lives in src/search.
import type { Context } from 'hono';
import { z } from 'zod';
import { listedPapersByIds, type ListedPaper } from '../../db/listings.ts';
import { peopleOfListed } from '../../db/people.ts';
import { notFound } from '../../errors.ts';
import { highlight } from '../../search/highlight.ts';
import type { AuthorMatch, HighlightPart, KnownItem, SearchResult, SpellingSuggestion } from '../../search/types.ts';
import { requestPaperIndex, type IndexRequestOutcome } from '../../jobs/index-requests.ts';
import { hfPaper, type HfPaper } from '../api/shapes.ts';
import { htmlDocument, Layout } from '../components/layout.tsx';
import { InShortLine, KeyphraseChips } from '../components/in-short.tsx';
import { PaperCard, paperPath } from '../components/paper-card.tsx';
import { authorPath } from '../components/people-links.tsx';
import { Pager } from '../components/pager.tsx';
import type { Services } from '../../services.ts';
import { formProblem } from '../http/errors.tsx';
import { accountOf } from '../http/responses.tsx';
import { arxivIdInPath, categoryParam, formText, limitParam, parseFields, parseQuery, readForm, readJson, wholeNumber } from '../input.ts';
import { currentUser, userOrFail } from '../security/auth.ts';
import { csrfToken } from '../security/csrf.ts';

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
  /** off: search the query as typed, without spelling correction ("search instead for …"). */
  spelling: z.enum(['on', 'off']).optional(),
});

type SearchQuery = z.infer<typeof searchQuerySchema>;

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
  const listed = await listedPapersByIds(ctx.database, result.hits.map((h) => h.id));
  const byId = new Map(listed.map((l) => [l.paper.id, l]));
  return { result, byId, page };
}

export interface HfSearchItem {
  paper: HfPaper;
  title: string;
  summary: string;
  publishedAt: string;
  highlightedTitle: HighlightPart[];
  highlightedSummary: HighlightPart[];
  /** Paperfeed additions. */
  snippet: string;
  score: number;
  scoreParts: { lexical?: number; semantic?: number };
}

/** Hugging Face's paper shape for these papers, with their people (one batch of queries for all of them). */
async function shapeWithPeople(ctx: Services, listed: ListedPaper[]): Promise<(l: ListedPaper) => HfPaper> {
  const people = await peopleOfListed(ctx.database, listed);
  return (l) => hfPaper(l, { people: people.get(l.paper.id), baseUrl: ctx.config.baseUrl });
}

function apiItems(result: SearchResult, byId: Map<string, ListedPaper>, shape: (listed: ListedPaper) => HfPaper): HfSearchItem[] {
  const items: HfSearchItem[] = [];
  for (const hit of result.hits) {
    const listed = byId.get(hit.id);
    if (!listed) continue;
    const paper = shape(listed);
    items.push({
      paper,
      title: paper.title,
      summary: paper.summary,
      publishedAt: paper.publishedAt,
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

/** The parameters that define a results page (defaults left out), for links and the canonical URL. */
function searchParams(q: SearchQuery, change: Partial<Record<'q' | 'spelling', string | undefined>> = {}): Record<string, string | undefined> {
  return {
    q: q.q,
    category: q.category,
    author: q.author,
    yearFrom: q.yearFrom?.toString(),
    yearTo: q.yearTo?.toString(),
    sort: q.sort === 'relevance' ? undefined : q.sort,
    mode: q.mode === 'hybrid' ? undefined : q.mode,
    spelling: q.spelling === 'off' ? 'off' : undefined,
    ...change,
  };
}

function searchHref(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return `/search?${new URLSearchParams(defined)}`;
}

/** What came of asking for a paper to be indexed from the page's form. */
type IndexNotice = { outcome: IndexRequestOutcome } | { error: string };

/** The search page's view of one query: the result, its papers, and what to offer when an id is not stored. */
interface SearchView {
  q: SearchQuery;
  found: { result: SearchResult; byId: Map<string, ListedPaper>; page: number } | null;
  canonical: string;
  account: { username: string } | null;
  /** The CSRF token for the "index this paper" form, for a signed-in person. */
  csrf: string | null;
  notice?: IndexNotice;
}

function SearchForm(props: { q: SearchQuery }) {
  const { q } = props;
  return (
    <form class="search-form" method="get" action="/search" role="search" data-post-over={String(URL_QUERY_BUDGET)}>
      <div class="search-query">
        <label for="search-q">Query</label>
        <textarea id="search-q" name="q" rows={2} maxlength={MAX_QUERY_LENGTH} placeholder='diffusion models, "vision transformer", Yann LeCun, 2506.00338, author:hinton year:2024-2025'>
          {q.q}
        </textarea>
        <button type="submit">Search</button>
      </div>
      <div class="search-filters">
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
      </div>
    </form>
  );
}

/** "Showing results for X · search instead for Y", or "Did you mean X?" when the typed query was searched. */
function SpellingLine(props: { q: SearchQuery; spelling: SpellingSuggestion }) {
  const { q, spelling } = props;
  const corrected = <a href={searchHref(searchParams(q, { q: spelling.corrected, spelling: undefined }))}>{spelling.corrected}</a>;
  if (!spelling.applied) return <p class="spelling">Did you mean {corrected}?</p>;
  return (
    <p class="spelling">
      Showing results for <strong>{corrected}</strong> · search instead for{' '}
      <a href={searchHref(searchParams(q, { q: spelling.original, spelling: 'off' }))}>{spelling.original}</a>
    </p>
  );
}

function AuthorLines(props: { authors: AuthorMatch[] }) {
  return (
    <ul class="author-matches">
      {props.authors.map((a) => {
        const href = authorPath(a.name);
        return (
          <li>
            Papers by {href ? <a href={href}>{a.name}</a> : a.name} ({a.papers.toLocaleString('en-US')} paper{a.papers === 1 ? '' : 's'})
          </li>
        );
      })}
    </ul>
  );
}

/** An arXiv id that is not stored: say so, and offer to fetch it (signed-in people; the API for scripts). */
function NotStored(props: { item: KnownItem; csrf: string | null; canonical: string; notice?: IndexNotice }) {
  const { item, notice } = props;
  const id = item.id + (item.version ? `v${item.version}` : '');
  return (
    <div class="not-stored">
      <p>
        <strong>arXiv:{id}</strong> is not in Paperfeed yet.{' '}
        <a href={`https://arxiv.org/abs/${id}`} rel="noopener nofollow">
          See it on arXiv
        </a>
        .
      </p>
      {notice && 'outcome' in notice && notice.outcome.status === 'queued' && (
        <p class="notice" role="status">
          Asked for: it is number {notice.outcome.position} in the queue
          {notice.outcome.estimatedAt ? <> and should appear by {formatTime(notice.outcome.estimatedAt)}</> : ' and will appear after the next fetch'}. Search for it
          again then.
        </p>
      )}
      {!(notice && 'outcome' in notice) &&
        (props.csrf ? (
          <form method="post" action="/search/index" class="index-form">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <input type="hidden" name="arxivId" value={item.id} />
            <button type="submit">Index this paper</button> <span class="muted">Paperfeed fetches it from arXiv; it appears within minutes.</span>
          </form>
        ) : (
          <p>
            <a href={`/signin?next=${encodeURIComponent(searchHref({ q: item.id }))}`}>Sign in</a> to have it indexed (scripts:{' '}
            <code>POST /api/papers/index</code>).
          </p>
        ))}
    </div>
  );
}

/** "2026-12-03 15:42 UTC" */
function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** What the count above the hits counts. */
function totalLine(q: SearchQuery, result: SearchResult): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const papers = (x: number) => `${n(x)} paper${x === 1 ? '' : 's'}`;
  const matching = result.matching ?? result.total;
  if (!result.parsed.terms.length && !result.knownItem) return result.total === 0 ? 'No papers found' : `${papers(result.total)}, newest first`;
  if (result.knownItem) return result.total === 0 ? 'No papers found' : '1 paper';
  const order = q.sort === 'date' ? ', newest first' : q.sort === 'trending' ? ', most trending first' : '';
  if (matching === 0) return result.hits.length ? 'No paper contains most of these words; the closest matches' : 'No papers found';
  return `${papers(matching)} contain${matching === 1 ? 's' : ''} most of these words${order}`;
}

function SearchPage(props: SearchView) {
  const { q, found } = props;
  const result = found?.result ?? null;
  const wanted = new Set(result?.parsed.terms ?? []);
  return (
    <Layout title={q.q ? `Search: ${q.q.slice(0, 80)}` : 'Search'} canonical={props.canonical} current="search" account={props.account} noindex={Boolean(q.q)}>
      <h1>Search papers</h1>
      <SearchForm q={q} />
      {result && found && (
        <section aria-labelledby="search-total" class="search-results-section">
          {props.notice && 'error' in props.notice && (
            <p class="form-error" role="alert">
              {props.notice.error}
            </p>
          )}
          {result.spelling && <SpellingLine q={q} spelling={result.spelling} />}
          {result.authors.length > 0 && <AuthorLines authors={result.authors} />}
          {result.knownItem && !result.knownItem.stored && <NotStored item={result.knownItem} csrf={props.csrf} canonical={props.canonical} notice={props.notice} />}
          <h2 id="search-total" class="search-total">
            {totalLine(q, result)}
          </h2>
          <ol class="papers search-results" start={found.page * PAGE_SIZE + 1}>
            {result.hits.map((hit) => {
              const listed = found.byId.get(hit.id);
              if (!listed) return null;
              const p = listed.paper;
              return (
                <PaperCard item={listed} title={<Highlighted parts={hit.highlights.title} />} summary={<Highlighted parts={highlight(hit.snippet, wanted)} />}>
                  <InShortLine paper={p} />
                  <KeyphraseChips keywords={p.keywords} extracted={p.keywordsExtracted} />
                </PaperCard>
              );
            })}
          </ol>
          <Pager path="/search" params={searchParams(q)} page={found.page} limit={PAGE_SIZE} total={Math.min(result.total, 50 * PAGE_SIZE)} />
        </section>
      )}
    </Layout>
  );
}

/** The search parameters of a POST: a form's fields, or a JSON object's. The same rules as a query string. */
async function postedSearch(c: Context): Promise<SearchQuery> {
  const json = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
  const fields = json ? await readJson(c, z.record(z.string(), z.unknown())) : await readForm(c);
  return parseFields(Object.entries(fields), searchQuerySchema, 'bad_query');
}

export function searchHandlers(ctx: Services) {
  const render = (c: Context, view: Omit<SearchView, 'canonical' | 'account' | 'csrf'>, status = 200) => {
    const { q } = view;
    const known = view.found?.result.knownItem;
    const csrf = known && !known.stored && currentUser(c) ? csrfToken(c) : null;
    const canonical = `${ctx.config.baseUrl}${q.q ? searchHref(searchParams(q)) : '/search'}`;
    const html = htmlDocument(<SearchPage {...view} canonical={canonical} account={accountOf(c)} csrf={csrf} />);
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
    return c.json(apiItems(result, byId, await shapeWithPeople(ctx, [...byId.values()])), 200, headers);
  };
  /** Queues a paper through the index-request queue (its limits are per person and overall). */
  const requestIndex = (c: Context, arxivId: string) => requestPaperIndex(ctx, { arxivId, requester: `user:${userOrFail(c).id}` });
  return {
    page: (c: Context) => page(c, parseQuery(c, searchQuerySchema)),
    /** POST /search: a query too long for an address (the form switches to POST past URL_QUERY_BUDGET). */
    pagePost: async (c: Context) => page(c, await postedSearch(c)),
    api: (c: Context) => api(c, parseQuery(c, searchQuerySchema)),
    /** POST /api/papers/search with a JSON object ({"q": "…", "limit": 20}) or a form: long queries. */
    apiPost: async (c: Context) => api(c, await postedSearch(c)),
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
      const body = await readJson(c, z.object({ arxivId: z.string({ required_error: 'give the paper as {"arxivId": "2506.00338"}' }).max(300, 'arxivId longer than 300 characters') }).strict());
      const outcome = await requestIndex(c, body.arxivId);
      const url = `${ctx.config.baseUrl}${paperPath(outcome.arxivId)}`;
      return outcome.status === 'stored' ? c.json({ ...outcome, url }, 200) : c.json({ ...outcome, url }, 202);
    },
    similar: async (c: Context) => {
      const parsed = arxivIdInPath(c);
      const k = parseQuery(c, similarQuerySchema).limit ?? 10;
      const hits = await ctx.search.similar(parsed.id, k);
      if (!hits.length && !(await listedPapersByIds(ctx.database, [parsed.id])).length) throw notFound(`no paper ${parsed.id} here`);
      const listed = await listedPapersByIds(ctx.database, hits.map((h) => h.id));
      const byId = new Map(listed.map((l) => [l.paper.id, l]));
      const shape = await shapeWithPeople(ctx, listed);
      return c.json(
        hits.filter((h) => byId.has(h.id)).map((h) => ({ paper: shape(byId.get(h.id)!), score: h.score })),
        200,
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
