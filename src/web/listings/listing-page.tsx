// The daily, weekly, monthly and trending pages: one frame around a ranked list, with period navigation, a
// date picker that works without JavaScript, category filters, pagination and feed links.
import type { HarvestState } from '../../jobs/status.ts';
import { daysBetween, parseDay, periodLabel, type Period, type PeriodKind } from '../../domain/periods.ts';
import { AGE_OFFSET_HOURS, COMMENT_WEIGHT, GRAVITY, STAR_TOTAL_WEIGHT, STAR_VELOCITY_WEIGHT, WINDOW_DAYS } from '../../domain/trending.ts';
import { accountLinksHole } from '../components/account-links-hole.tsx';
import { Layout, type FeedLink, type NavKey } from '../components/layout.tsx';
import type { TemplateBuilder } from '../components/page-template.ts';
import { HomeTabs } from '../components/home-tabs.tsx';
import { CategoryChips, Pager } from '../components/pager.tsx';
import { PaperCard } from '../components/paper-card.tsx';
import type { Listing } from './loaders.ts';

export interface PeriodLinks {
  previous: { href: string; label: string };
  next: { href: string; label: string } | null;
  /** The same day as a day, its week and its month. */
  granularity: { kind: PeriodKind; href: string; label: string }[];
}

export interface ListingPageProps {
  listing: Listing;
  title: string;
  heading: string;
  description: string;
  canonical: string;
  /** Path the filters and pager link to. */
  path: string;
  current: NavKey;
  feeds: FeedLink[];
  categories: { category: string; count: number }[];
  periodLinks?: PeriodLinks;
  /** For a period with no papers at all: the nearest days on either side that have some. */
  around?: { previous: string | null; next: string | null };
  /** The home page's word on how fresh its papers are, when they are not today's (or there are none). */
  freshness?: Freshness;
  /**
   * The page is rendered once as a template and filled per viewer (page-template.ts): the header's account links,
   * the home page's tabs and every card's controls are its holes.
   */
  template: TemplateBuilder;
  /** The home page shows signed-in people the tab to their "For you" list. */
  home?: boolean;
}

export interface Freshness {
  /** The latest day with papers, or null when the store has none. */
  latestDay: string | null;
  today: string;
  harvest: HarvestState;
  /** Now, for saying when the next harvest is. */
  now: Date;
}

function kindNote(l: Listing): string {
  if (l.kind === 'trending') {
    return `Papers from the ${WINDOW_DAYS} days up to ${l.referenceDay}, ranked by trending score: attention (upvotes, comments and GitHub stars) divided by an age factor.`;
  }
  if (l.kind === 'announcements') {
    return 'Nobody submitted papers for this period: arXiv announced these (by trending score).';
  }
  return 'Papers submitted by the community, ranked by upvotes.';
}

const KIND_LABEL = { submissions: 'Community picks', announcements: 'arXiv announcements', trending: 'Trending' } as const;

/**
 * Week and month inputs exist only in Chromium-based browsers: elsewhere they are text fields, so they carry the
 * format as placeholder and pattern, and app.js turns them into a date input (any day of the week or month), which
 * /papers/week and /papers/month accept as `date`.
 */
function PeriodPicker(props: { period: Period }) {
  const p = props.period;
  const [action, name, label, format] =
    p.kind === 'day'
      ? ['/papers/date', 'date', 'Go to date', null]
      : p.kind === 'week'
        ? ['/papers/week', 'week', 'Go to week', { placeholder: 'YYYY-Www, such as 2025-W23', pattern: '[0-9]{4}-W[0-9]{2}' }]
        : ['/papers/month', 'month', 'Go to month', { placeholder: 'YYYY-MM', pattern: '[0-9]{4}-[0-9]{2}' }];
  return (
    <form method="get" action={action} data-autosubmit>
      <label for="period-picker">{label}</label>
      <input id="period-picker" name={name} type={name} value={p.key} required {...(format ? { ...format, 'data-date-fallback': p.start } : {})} />
      <button type="submit">Go</button>
    </form>
  );
}

/** The trending formula with its weights, so every "Score … = (…) ÷ …" line can be checked by hand. */
function TrendingFormula() {
  return (
    <details class="formula">
      <summary>How the score is computed</summary>
      <p>
        score = attention ÷ (age in hours + {AGE_OFFSET_HOURS} h)<sup>{GRAVITY}</sup>, where attention = upvotes + {COMMENT_WEIGHT} × comments +{' '}
        {STAR_VELOCITY_WEIGHT} × log<sub>2</sub>(1 + GitHub stars gained per day) + {STAR_TOTAL_WEIGHT} × log<sub>10</sub>(1 + GitHub stars). A paper&apos;s age
        counts from the day it entered the Daily Papers (or was announced); comments include those counted on Hugging Face.
      </p>
    </details>
  );
}

/** A time as a visitor reads it: "14:05 UTC" today, "Thu 4 Dec, 14:05 UTC" another day. */
function instant(iso: string, now: Date): string {
  const d = new Date(iso);
  const time = `${d.toISOString().slice(11, 16)} UTC`;
  if (d.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)) return time;
  return `${d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })}, ${time}`;
}

/** What the harvest is doing, in one or two sentences, from the job status in the database. */
function harvestSentence(h: HarvestState, now: Date): string {
  const next = h.nextTry ? instant(h.nextTry, now) : null;
  switch (h.state) {
    case 'running':
      return `Harvesting arXiv now (started ${instant(h.since!, now)}).`;
    case 'failing':
      return `The last harvest failed${h.since ? ` (${instant(h.since, now)})` : ''}: ${(h.error ?? 'no reason recorded').slice(0, 300)}. ${next ? `Next try: ${next}.` : 'No retry is scheduled.'}`;
    default:
      if (!h.scheduled) return 'This server schedules no harvests (SCHEDULER=false): run paperfeed harvest --once from cron, or import papers.';
      return h.state === 'never' ? `No harvest has run yet; the first starts ${next ?? 'soon'}.` : `Next harvest: ${next ?? 'not scheduled'}.`;
  }
}

export function FreshnessNote(props: { f: Freshness }) {
  const { latestDay, today, harvest, now } = props.f;
  if (latestDay === null) {
    return (
      <section class="notice" aria-label="No papers yet">
        <p>
          <strong>No papers here yet.</strong> {harvestSentence(harvest, now)}
        </p>
        <p>
          To fill the store from files, run <code>npx paperfeed import PATH…</code> (arXiv daily listings, OAI-PMH or arXiv API responses, the Kaggle snapshot,
          Hugging Face daily papers), then <code>npx paperfeed index</code>.
        </p>
      </section>
    );
  }
  const days = daysBetween(latestDay, today);
  return (
    <p class="notice">
      Latest papers: {days} day{days === 1 ? '' : 's'} ago. {harvestSentence(harvest, now)}
    </p>
  );
}

const dayLink = (day: string) => <a href={`/papers/date/${day}`}>{periodLabel(parseDay(day))}</a>;

/** A period with nothing in it says so plainly and points at the nearest days that have papers. */
function EmptyPeriod(props: { period: Period; around?: ListingPageProps['around']; storeEmpty: boolean }) {
  const { period, around } = props;
  const label = periodLabel(period);
  const what = period.kind === 'week' ? `the ${label.replace(/^Week/, 'week')}` : label;
  const weekend = period.kind === 'day' && [0, 6].includes(new Date(`${period.key}T00:00:00Z`).getUTCDay());
  return (
    <div class="empty">
      <p>
        {props.storeEmpty ? 'Nothing to show until papers arrive.' : `Nothing was announced or stored for ${what}.`}
        {weekend && ' arXiv announces no papers on weekends.'}
      </p>
      {around && (around.previous || around.next) && (
        <p class="nearest">
          Nearest days with papers: {around.previous && <>← {dayLink(around.previous)}</>}
          {around.previous && around.next && ' · '}
          {around.next && <>{dayLink(around.next)} →</>}
        </p>
      )}
    </div>
  );
}

/** The header's account links as a hole: one variant for anonymous visitors, one per account. */
export function ListingPage(props: ListingPageProps) {
  const l = props.listing;
  const params = { category: l.category ?? undefined };
  return (
    <Layout
      title={props.title}
      description={props.description}
      canonical={props.canonical}
      current={props.current}
      feeds={props.feeds}
      accountLinks={accountLinksHole(props.template, props.current)}
    >
      <h1>{props.heading}</h1>
      {props.home &&
        props.template.hole(
          (viewer) => (viewer.account ? 'tabs' : ''),
          (key) => (key ? String(<HomeTabs current="daily" />) : ''),
        )}
      {props.freshness && <FreshnessNote f={props.freshness} />}
      {(l.total > 0 || l.category) && (
        <p class="kind-line">
          <span class="kind">{KIND_LABEL[l.kind]}</span> <span class="muted">{kindNote(l)}</span>
        </p>
      )}
      {l.kind === 'trending' && <TrendingFormula />}
      {props.periodLinks && l.period && (
        <div class="period-nav">
          <a rel="prev" href={props.periodLinks.previous.href}>
            ← {props.periodLinks.previous.label}
          </a>
          {props.periodLinks.next && (
            <a rel="next" href={props.periodLinks.next.href}>
              {props.periodLinks.next.label} →
            </a>
          )}
          <nav class="tabs" aria-label="Period">
            {props.periodLinks.granularity.map((g) => (
              <a href={g.href} aria-current={g.kind === l.period!.kind ? 'page' : undefined}>
                {g.label}
              </a>
            ))}
          </nav>
          <PeriodPicker period={l.period} />
        </div>
      )}
      <CategoryChips path={props.path} current={l.category} categories={props.categories} />
      <h2 class="visually-hidden">Papers</h2>
      {l.items.length ? (
        <ol class="papers" start={l.page * l.limit + 1}>
          {l.items.map((item) => (
            <PaperCard item={item} />
          ))}
        </ol>
      ) : l.category || !l.period ? (
        <p>No papers {l.category ? `in ${l.category} ` : ''}for this period.</p>
      ) : (
        <EmptyPeriod period={l.period} around={props.around} storeEmpty={props.freshness?.latestDay === null} />
      )}
      <Pager path={props.path} params={params} page={l.page} limit={l.limit} total={l.total} />
      <p class="feeds">
        Follow this list:{' '}
        {props.feeds
          .filter((f) => f.type !== 'application/json')
          .map((f, i) => (
            <>
              {i > 0 && ' · '}
              <a href={f.href} type={f.type}>
                {f.title.replace(/^.*\((.*)\)$/, '$1')}
              </a>
            </>
          ))}
      </p>
    </Layout>
  );
}
