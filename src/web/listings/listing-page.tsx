// The daily, weekly, monthly and trending pages: one frame around a ranked list, with period navigation, a
// date picker that works without JavaScript, category filters, pagination and feed links.
import type { Period, PeriodKind } from '../../domain/periods.ts';
import { WINDOW_DAYS } from '../../domain/trending.ts';
import { Layout, type FeedLink, type NavKey } from '../components/layout.tsx';
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
  account?: { username: string } | null;
  /** The home page shows signed-in people the tab to their "For you" list. */
  homeTabs?: boolean;
}

function kindNote(l: Listing): string {
  if (l.kind === 'trending') {
    return `Papers from the ${WINDOW_DAYS} days up to ${l.referenceDay}, ranked by trending score: upvotes, comments and GitHub stars, discounted by age.`;
  }
  if (l.kind === 'announcements') {
    return 'Nobody submitted papers for this period, so these are the papers arXiv announced, ranked by trending score.';
  }
  return 'Papers submitted by the community, ranked by upvotes.';
}

const KIND_LABEL = { submissions: 'Community picks', announcements: 'arXiv announcements', trending: 'Trending' } as const;

function PeriodPicker(props: { period: Period }) {
  const p = props.period;
  const [action, name, type, label] =
    p.kind === 'day'
      ? ['/papers/date', 'date', 'date', 'Go to date']
      : p.kind === 'week'
        ? ['/papers/week', 'week', 'week', 'Go to week']
        : ['/papers/month', 'month', 'month', 'Go to month'];
  return (
    <form method="get" action={action} data-autosubmit>
      <label for="period-picker">{label}</label>
      <input id="period-picker" name={name} type={type} value={p.key} required />
      <button type="submit">Go</button>
    </form>
  );
}

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
      account={props.account}
    >
      <h1>{props.heading}</h1>
      {props.homeTabs && <HomeTabs current="daily" />}
      <p>
        <span class="kind">{KIND_LABEL[l.kind]}</span> <span class="muted">{kindNote(l)}</span>
      </p>
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
      ) : (
        <p>No papers {l.category ? `in ${l.category} ` : ''}for this period.</p>
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
