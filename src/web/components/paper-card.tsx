// One paper in a list: votes, title, authors, a short summary, links and — on trending lists — why it is there.
import type { Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { RankedPaper } from '../../db/trending.ts';
import { AGE_OFFSET_HOURS, GRAVITY, type TrendingScore } from '../../domain/trending.ts';
import { CommentCounts } from './comment-counts.tsx';
import { cardAnchor, SaveButton, UpvoteButton, useCardState } from './card-actions.tsx';
import { MathText } from './math-text.tsx';
import { AuthorLink } from './people-links.tsx';
import { renderedOnce } from './rendered-once.ts';

const AUTHORS_SHOWN = 5;
const SUMMARY_CHARS = 320;

export function paperPath(id: string): string {
  return `/papers/${id}`;
}

export function formatCount(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/** A part of the score as shown: whole numbers as they are, others to two decimals (so shown parts add up to 0.01). */
const amount = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/**
 * Why a paper is where it is, as the formula computes it, so the numbers add up: the attention parts (in upvote
 * units), summed, divided by the age factor, with the age it comes from:
 * "Score 1.41 = (163 upvotes + 2 from 1 comment + 0.95 from 8 GitHub stars) ÷ 117.6, the age factor of a paper new today: (0 h + 24 h)^1.5".
 */
export function TrendingExplanation(props: { t: TrendingScore; upvotes: number; comments: number; stars: number | null }) {
  const { t, upvotes, comments, stars } = props;
  const parts = [`${upvotes} upvote${upvotes === 1 ? '' : 's'}`];
  if (t.parts.comments) parts.push(`${amount(t.parts.comments)} from ${comments} comment${comments === 1 ? '' : 's'}`);
  if (t.parts.starVelocity) parts.push(`${amount(t.parts.starVelocity)} from GitHub star growth`);
  if (t.parts.stars) parts.push(`${amount(t.parts.stars)} from ${formatCount(stars ?? 0)} GitHub stars`);
  const days = Math.round(t.ageHours / 24);
  const age = days === 0 ? 'a paper new today' : `a paper ${days} day${days === 1 ? '' : 's'} old`;
  return (
    <p class="why">
      Score {t.score.toPrecision(3)} = ({parts.join(' + ')}) ÷ {t.decay.toPrecision(4)}, the age factor of {age}: ({t.ageHours} h + {AGE_OFFSET_HOURS} h)
      <sup>{GRAVITY}</sup>
    </p>
  );
}

// The parts of a card that depend only on its item (title with MathML, authors, summary, trending explanation) are
// rendered once per item object (rendered-once.ts). Everything that depends on the person (their upvote and save
// state) is rendered per request around these parts, never into them.
const renderedHeads = new WeakMap<RankedPaper, HtmlEscapedString>();
const renderedExplanations = new WeakMap<RankedPaper, HtmlEscapedString>();

/**
 * One card. On pages that load the person's state (CardStateContext) the count is an upvote button and the card
 * has a save button; elsewhere it shows the count alone. `title` and `summary` replace the plain title and summary
 * (search hits pass them highlighted); `children` go below the summary (search hits' "In short" and keyphrases);
 * `extra` goes below that (a collection's note).
 */
export function PaperCard(props: { item: RankedPaper; title?: Child; summary?: Child; children?: Child; extra?: Child; because?: Child }) {
  const { item } = props;
  const { paper, signals, trending } = item;
  const state = useCardState();
  const anchor = cardAnchor(paper.id);
  const plainHead = props.title === undefined && props.summary === undefined;
  return (
    <li class="paper-card" id={anchor} aria-labelledby={titleIdOf(paper.id)}>
      {state ? (
        <div class="votes">
          <UpvoteButton state={state} paperId={paper.id} upvotes={signals.upvotes} />
        </div>
      ) : (
        <div class="votes" title="upvotes">
          <strong>{signals.upvotes}</strong>
          <span>upvote{signals.upvotes === 1 ? '' : 's'}</span>
        </div>
      )}
      <div>
        {plainHead ? renderedOnce(renderedHeads, item, () => <CardHead item={item} />) : <CardHead item={item} title={props.title} summary={props.summary} />}
        {props.children}
        {trending &&
          renderedOnce(renderedExplanations, item, () => (
            <TrendingExplanation t={trending} upvotes={signals.upvotes} comments={signals.comments} stars={paper.githubStars} />
          ))}
        {props.because}
        {props.extra}
        {state && (
          <div class="card-actions">
            <SaveButton state={state} paperId={paper.id} />
          </div>
        )}
      </div>
    </li>
  );
}

const titleIdOf = (id: string) => `t-${id.replace(/[^\w]/g, '-')}`;

/** Title, authors, categories, counts, links and summary: the item's own facts, the same for everyone. */
function CardHead(props: { item: RankedPaper; title?: Child; summary?: Child }) {
  const { paper, signals } = props.item;
  return (
    <>
      <h3 id={titleIdOf(paper.id)}>
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
        <CommentCounts paperId={paper.id} signals={signals} />
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
        {props.summary ?? (paper.aiSummary ? <MathText text={paper.aiSummary} /> : <MathText text={paper.abstract} maxChars={SUMMARY_CHARS} />)}
      </p>
    </>
  );
}
