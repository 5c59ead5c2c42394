// One paper in a list: votes, title, authors, a short summary, links and — on trending lists — why it is there.
import type { Child } from 'hono/jsx';
import type { RankedPaper } from '../../db/trending.ts';
import type { TrendingScore } from '../../domain/trending.ts';
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

/**
 * `title` and `summary` replace the plain title and summary (search hits pass them highlighted); `children` go below
 * the summary (search hits' "In short" and keyphrases).
 */
export function PaperCard(props: { item: RankedPaper; title?: Child; summary?: Child; children?: Child }) {
  const { paper, signals, trending } = props.item;
  const summary = props.summary ?? <MathText text={paper.aiSummary ?? shorten(paper.abstract, SUMMARY_CHARS)} />;
  const titleId = `t-${paper.id.replace(/[^\w]/g, '-')}`;
  return (
    <li class="paper-card" aria-labelledby={titleId}>
      <div class="votes" title="upvotes">
        <strong>{signals.upvotes}</strong>
        <span>upvote{signals.upvotes === 1 ? '' : 's'}</span>
      </div>
      <div>
        <h3 id={titleId}>
          <a href={paperPath(paper.id)}>{props.title ?? <MathText text={paper.title} />}</a>
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
        <p class="summary">{summary}</p>
        {props.children}
        {trending && <p class="why">{explainTrending(trending, signals.upvotes, signals.comments, paper.githubStars)}</p>}
      </div>
    </li>
  );
}
