// One paper in a list: votes, title, authors, a short summary, links and — on trending lists — why it is there.
import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { RankedPaper } from '../../db/trending.ts';
import type { TrendingScore } from '../../domain/trending.ts';
import { UpvoteButton } from '../discussion/paper-community.tsx';
import { MathText } from './math-text.tsx';
import { AuthorLink } from './people-links.tsx';

const AUTHORS_SHOWN = 5;
const SUMMARY_CHARS = 320;

export function paperPath(id: string): string {
  return `/papers/${id}`;
}

/** Cuts text at a word boundary near `max` characters. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), max * 0.6)).trimEnd() + '…';
}

export function formatCount(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

const round = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));

/** "12 upvotes + 4 from 2 comments + 3.2 from star growth + 1.1 from 12 stars, 2 days old" */
export function explainTrending(t: TrendingScore, upvotes: number, comments: number, stars: number | null): string {
  const parts = [`${upvotes} upvote${upvotes === 1 ? '' : 's'}`];
  if (t.parts.comments) parts.push(`${round(t.parts.comments)} from ${comments} comment${comments === 1 ? '' : 's'}`);
  if (t.parts.starVelocity) parts.push(`${round(t.parts.starVelocity)} from GitHub star growth`);
  if (t.parts.stars) parts.push(`${round(t.parts.stars)} from ${formatCount(stars ?? 0)} GitHub stars`);
  const days = Math.round(t.ageHours / 24);
  const age = days === 0 ? 'new today' : `${days} day${days === 1 ? '' : 's'} old`;
  return `Score ${t.score.toPrecision(3)}: ${parts.join(' + ')}; ${age}`;
}

/** What a signed-in person sees on every card: their upvote state, as a working upvote button. */
export interface CardViewer {
  c: Context;
  /** The ids among the page's papers this person upvoted (one query per page). */
  upvoted: ReadonlySet<string>;
  /** Where the upvote form returns to. */
  back: string;
}

// A card's body depends only on its item, and memoised listings (src/db/memo.ts) hand out the same item objects
// until the store changes: so each body is rendered once per version and reused by every request and every person
// until then. Keyed by the object, so nothing outlives the listing it came from.
const renderedBodies = new WeakMap<RankedPaper, HtmlEscapedString>();

function cardBody(item: RankedPaper): HtmlEscapedString {
  let body = renderedBodies.get(item);
  if (!body) {
    body = raw((<CardBody item={item} />).toString() as string);
    renderedBodies.set(item, body);
  }
  return body;
}

/** A paper in a list; with a viewer, their upvote state overlaid on the shared body. */
export function PaperCard(props: { item: RankedPaper; viewer?: CardViewer | null }) {
  const { paper, signals } = props.item;
  const viewer = props.viewer;
  return (
    <li class="paper-card" aria-labelledby={titleIdOf(paper.id)}>
      <div class="votes" title="upvotes">
        {viewer ? (
          <UpvoteButton c={viewer.c} paperId={paper.id} upvotes={signals.upvotes} upvoted={viewer.upvoted.has(paper.id)} signedIn back={viewer.back} />
        ) : (
          <>
            <strong>{signals.upvotes}</strong>
            <span>upvote{signals.upvotes === 1 ? '' : 's'}</span>
          </>
        )}
      </div>
      {cardBody(props.item)}
    </li>
  );
}

const titleIdOf = (id: string) => `t-${id.replace(/[^\w]/g, '-')}`;

function CardBody(props: { item: RankedPaper }) {
  const { paper, signals, trending } = props.item;
  const summary = paper.aiSummary ?? shorten(paper.abstract, SUMMARY_CHARS);
  return (
    <div>
      <h3 id={titleIdOf(paper.id)}>
        <a href={paperPath(paper.id)}>
          <MathText text={paper.title} />
        </a>
      </h3>
      <p class="meta">
        {paper.authors.slice(0, AUTHORS_SHOWN).map((name, i) => (
          <>
            {i > 0 && ', '}
            <AuthorLink name={name} />
          </>
        ))}
        {paper.authors.length > AUTHORS_SHOWN && ' et al.'}
        {paper.categories.length > 0 && <> · {paper.categories.slice(0, 3).join(', ')}</>}
        {' · '}
        {signals.comments} comment{signals.comments === 1 ? '' : 's'}
        {paper.codeUrl && (
          <>
            {' · '}
            <a href={paper.codeUrl} rel="noopener nofollow">
              code{paper.githubStars !== null ? ` (${formatCount(paper.githubStars)} ★)` : ''}
            </a>
          </>
        )}
      </p>
      <p class="summary">
        <MathText text={summary} />
      </p>
      {trending && <p class="why">{explainTrending(trending, signals.upvotes, signals.comments, paper.githubStars)}</p>}
    </div>
  );
}
