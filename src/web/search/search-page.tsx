// The /search page: the query form, what the query was understood as (a spelling correction, author names, an arXiv
// id that is not stored, with the offer to index it), the count of papers matching most of the query, and the hits
// on the listings' card with highlights, "In short" and keyphrases.
import type { ListedPaper } from '../../db/listings.ts';
import type { IndexRequestOutcome } from '../../jobs/index-requests.ts';
import { texToUnicodeLine } from '../../domain/tex.ts';
import { highlight, snippet } from '../../search/highlight.ts';
import type { AuthorMatch, HighlightPart, KnownItem, SearchResult, SpellingSuggestion } from '../../search/types.ts';
import { InShortLine, KeyphraseChips } from '../components/in-short.tsx';
import { Layout, type FeedLink } from '../components/layout.tsx';
import { feedLinks } from '../http/feeds.ts';
import { PaperCard } from '../components/paper-card.tsx';
import { Pager } from '../components/pager.tsx';
import { authorPath } from '../components/people-links.tsx';
import type { SearchQuery } from './handlers.tsx';

/** Longer input is refused with 400 (a pasted abstract is far shorter). */
export const MAX_QUERY_LENGTH = 20_000;
/**
 * Past this many characters of query string the search form posts instead (app.js): a request's address and
 * headers together must fit in the server's 16 KiB (src/web/server.ts), and percent-encoding triples non-ASCII text.
 */
export const URL_QUERY_BUDGET = 6_000;
export const PAGE_SIZE = 20;

function Highlighted(props: { parts: HighlightPart[] }) {
  return <>{props.parts.map((p) => (p.type === 'highlight' ? <mark>{p.text}</mark> : p.text))}</>;
}

/** The parameters that define a results page (defaults left out), for links and the canonical URL. */
export function searchParams(q: SearchQuery, change: Partial<Record<'q' | 'spelling', string | undefined>> = {}): Record<string, string | undefined> {
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

export function searchHref(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return `/search?${new URLSearchParams(defined)}`;
}

/** What came of asking for a paper to be indexed from the page's form. */
export type IndexNotice = { outcome: IndexRequestOutcome } | { error: string };

/** The search page's view of one query: the result, its papers, and what to offer when an id is not stored. */
export interface SearchView {
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
    // biome-ignore lint/a11y/useSemanticElements: role="search" on the form keeps the landmark in browsers older than the <search> element
    <form class="search-form" method="get" action="/search" role="search" data-post-over={String(URL_QUERY_BUDGET)}>
      <div class="search-query">
        <label for="search-q">Query</label>
        <textarea
          id="search-q"
          name="q"
          rows={2}
          maxlength={MAX_QUERY_LENGTH}
          placeholder='diffusion models, "vision transformer", Yann LeCun, 2506.00338, author:hinton year:2024-2025'
        >
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
function NotStored(props: { item: KnownItem; csrf: string | null; notice?: IndexNotice }) {
  const { item, notice } = props;
  const id = item.id + (item.version ? `v${item.version}` : '');
  return (
    <div class="not-stored">
      <p>
        Paperfeed has no paper with this id yet.{' '}
        <a href={`https://arxiv.org/abs/${id}`} rel="noopener nofollow">
          See it on arXiv
        </a>
        .
      </p>
      {notice && 'outcome' in notice && notice.outcome.status === 'queued' && (
        <p class="notice" role="status">
          Asked for: it is number {notice.outcome.position} in the queue
          {notice.outcome.estimatedAt ? <> and should appear by {formatTime(notice.outcome.estimatedAt)}</> : ' and will appear after the next fetch'}. Search
          for it again then.
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
  if (result.knownItem) {
    const { id, version, stored } = result.knownItem;
    return stored ? '1 paper' : `arXiv:${id}${version ? `v${version}` : ''} is not in Paperfeed yet`;
  }
  const order = q.sort === 'date' ? ', newest first' : q.sort === 'trending' ? ', most trending first' : '';
  if (matching === 0) return result.hits.length ? 'No paper contains most of these words; the closest matches' : 'No papers found';
  return `${papers(matching)} contain${matching === 1 ? 's' : ''} most of these words${order}`;
}

/** The feeds of a search (search/feed.ts takes the query and a category): a reader can follow the topic. */
function searchFeeds(q: SearchQuery): FeedLink[] {
  if (!q.q.trim()) return [];
  const selected = Object.entries({ q: q.q, category: q.category }).filter((e): e is [string, string] => !!e[1]);
  return feedLinks('/search', `Search: ${q.q.slice(0, 80)}`, `?${new URLSearchParams(selected)}`);
}

export function SearchPage(props: SearchView) {
  const { q, found } = props;
  const result = found?.result ?? null;
  const wanted = new Set(result?.parsed.terms ?? []);
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
          <h2 id="search-total" class="search-total">
            {totalLine(q, result)}
          </h2>
          {result.knownItem && !result.knownItem.stored && <NotStored item={result.knownItem} csrf={props.csrf} notice={props.notice} />}
          <ol class="papers search-results" start={found.page * PAGE_SIZE + 1}>
            {result.hits.map((hit) => {
              const listed = found.byId.get(hit.id);
              if (!listed) return null;
              const p = listed.paper;
              return (
                <PaperCard
                  item={listed}
                  title={<Highlighted parts={highlight(texToUnicodeLine(listed.paper.title), wanted)} />}
                  summary={<Highlighted parts={highlight(snippet(texToUnicodeLine(listed.paper.abstract), wanted), wanted)} />}
                >
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
