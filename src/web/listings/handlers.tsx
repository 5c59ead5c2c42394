// Handlers for the period listings (home, day, week, month) and trending, in each representation: the HTML page,
// and the RSS/Atom/JSON feeds. Each parses and validates its input, calls one loader, and renders.
import type { Context } from 'hono';
import { z } from 'zod';
import type { Database } from '../../db/connect.ts';
import { categoryCounts, daysWithPapersAround } from '../../db/listings.ts';
import {
  addDays,
  dayOf,
  daysBetween,
  nextPeriod,
  parseDay,
  periodContaining,
  periodLabel,
  previousPeriod,
  type Period,
  type PeriodKind,
} from '../../domain/periods.ts';
import { notFound } from '../../errors.ts';
import { type HarvestState, harvestState } from '../../jobs/status.ts';
import type { Services } from '../../services.ts';
import { feedItem } from '../components/feed-item.ts';
import { htmlDocument, type FeedLink } from '../components/layout.tsx';
import { readsOf } from '../http/request-reads.ts';
import { accountOf, htmlResponse } from '../http/responses.tsx';
import { feedLinks, keptFeedResponse, type FeedDocument, type FeedFormat } from '../http/feeds.ts';
import { categoryParam, dayParam, monthParam, PAGE_SIZE, pageQuerySchema, parseParam, parseQuery, weekParam } from '../input.ts';
import { pageBack, withCardState } from '../library/card-state.tsx';
import { FeedsPage } from './feeds-page.tsx';
import { FreshnessNote, ListingPage, type Freshness, type PeriodLinks } from './listing-page.tsx';
import { templatedPage } from '../components/templated-page.ts';
import { homeDay, latestDay, loadCategoryTrending, loadPeriodListing, loadTrending, type Listing } from './loaders.ts';

/**
 * Papers older than this many days are news to a visitor: arXiv announces nothing on weekends, so on a Monday before
 * its announcement the latest day is Friday (3 days); beyond that the harvest has fallen behind or stopped.
 */
const STALE_AFTER_DAYS = 3;

/**
 * How long a process reuses the harvest state it read for a stale home page: the same few seconds an anonymous
 * reader's page cache already lags by. Reading it costs three queries, more than the rest of the page once its
 * template is kept, and it changes at most a few times a day.
 */
const HARVEST_STATE_REUSE_MS = 5_000;

const PATH_OF: Record<PeriodKind, string> = { day: '/papers/date', week: '/papers/week', month: '/papers/month' };
const PARAM_OF: Record<PeriodKind, typeof dayParam> = { day: dayParam, week: weekParam, month: monthParam };
const NAV_OF = { day: 'daily', week: 'weekly', month: 'monthly' } as const;
const NOUN_OF = { day: 'Daily', week: 'Weekly', month: 'Monthly' } as const;

function periodPath(p: Period): string {
  return `${PATH_OF[p.kind]}/${p.key}`;
}

function periodLinks(p: Period, latestDay: string): PeriodLinks {
  const prev = previousPeriod(p);
  const next = nextPeriod(p);
  const noun = { day: 'day', week: 'week', month: 'month' }[p.kind];
  // A day inside the period anchors the granularity tabs: the period's start, or the latest day if that is earlier.
  const anchor = p.start <= latestDay && latestDay <= p.end ? latestDay : p.start;
  return {
    previous: { href: periodPath(prev), label: `Previous ${noun}` },
    next: next.start <= latestDay ? { href: periodPath(next), label: `Next ${noun}` } : null,
    granularity: (['day', 'week', 'month'] as const).map((kind) => ({
      kind,
      href: periodPath(periodContaining(kind, anchor)),
      label: kind === 'day' ? 'Day' : kind === 'week' ? 'Week' : 'Month',
    })),
  };
}

async function filterChips(database: Database, l: Listing) {
  if (!l.period) return [];
  const source = l.kind === 'announcements' ? 'announcements' : 'submissions';
  const chips = await categoryCounts(database, { start: l.period.start, end: l.period.end }, source);
  if (l.category && !chips.some((c) => c.category === l.category)) chips.push({ category: l.category, count: l.total });
  return chips;
}

/** The feeds of a list, and the API query that gives the same papers as JSON. */
function feedsFor(path: string, title: string, category: string | undefined, api: Record<string, string>): FeedLink[] {
  const query = category ? `?category=${encodeURIComponent(category)}` : '';
  const apiQuery = new URLSearchParams({ ...api, ...(category ? { category } : {}) }).toString();
  return [
    ...feedLinks(path, title, query),
    { title: `${title} (JSON API)`, href: `/api/daily_papers${apiQuery ? `?${apiQuery}` : ''}`, type: 'application/json' },
  ];
}

function canonicalOf(ctx: Services, path: string, category: string | undefined, page: number): string {
  const q = new URLSearchParams();
  if (category) q.set('category', category);
  if (page > 0) q.set('p', String(page));
  const s = q.toString();
  return ctx.config.baseUrl + path + (s ? `?${s}` : '');
}

async function renderPeriodPage(c: Context, ctx: Services, period: Period, path: string, latest: string, freshness?: Freshness): Promise<Response> {
  const isHome = path === '/';
  const query = parseQuery(c, pageQuerySchema);
  const page = query.p ?? 0;
  const today = dayOf(ctx.clock());
  // A stale home page says how old its papers are and when the next harvest is: that sentence is one of the inputs.
  const note = freshness ? String(<FreshnessNote f={freshness} />) : '';
  const reads = readsOf(c, ctx.database);
  return templatedPage(c, ctx, { inputs: `${today}\n${note}` }, async (template) => {
    const listing = await loadPeriodListing(reads, { period, category: query.category, page, limit: PAGE_SIZE });
    const around = listing.total === 0 && !query.category && freshness?.latestDay !== null ? await daysWithPapersAround(reads, period, today) : undefined;
    const label = periodLabel(period);
    const heading = isHome ? `Daily Papers · ${label}` : `${NOUN_OF[period.kind]} Papers · ${label}`;
    const apiParam = { day: 'date', week: 'week', month: 'month' }[period.kind];
    const document = htmlDocument(
      withCardState(
        { template, back: pageBack(c) },
        <ListingPage
          listing={listing}
          title={isHome ? 'Daily Papers' : `${NOUN_OF[period.kind]} Papers · ${label}`}
          heading={heading}
          description={`Research papers ${listing.kind === 'submissions' ? 'picked by the community' : 'announced on arXiv'} for ${label}${query.category ? ` in ${query.category}` : ''}.`}
          canonical={canonicalOf(ctx, path, query.category, page)}
          path={path}
          current={NAV_OF[period.kind]}
          feeds={
            // The home page follows the latest day, and so do its feeds; a dated page's feeds stay on its period.
            isHome
              ? feedsFor('/feeds/daily', `Daily Papers${query.category ? ` ${query.category}` : ''}`, query.category, {})
              : feedsFor(periodPath(period), `${NOUN_OF[period.kind]} Papers ${period.key}${query.category ? ` ${query.category}` : ''}`, query.category, {
                  [apiParam]: period.key,
                })
          }
          categories={await filterChips(reads, listing)}
          periodLinks={periodLinks(period, latest)}
          around={around}
          freshness={freshness}
          template={template}
          home={isHome}
        />,
      ),
    );
    return { document, paperIds: listing.items.map((i) => i.paper.id), lastModified: listing.lastModified };
  });
}

export function listingHandlers(ctx: Services) {
  const { clock } = ctx;
  let harvestRead: { state: Promise<HarvestState>; at: number } | null = null;

  /** The harvest's state, read again once HARVEST_STATE_REUSE_MS have passed (and after a failed read). */
  function recentHarvestState(now: Date): Promise<HarvestState> {
    const at = performance.now();
    if (!harvestRead || at - harvestRead.at >= HARVEST_STATE_REUSE_MS) {
      const read = { state: harvestState(ctx.database, ctx.config, now), at };
      read.state.catch(() => {
        if (harvestRead === read) harvestRead = null;
      });
      harvestRead = read;
    }
    return harvestRead.state;
  }

  /** The period a path names; one that starts after today has no papers yet and no page (404). */
  function periodFrom(c: Context, kind: PeriodKind): Period {
    const period = parseParam(kind === 'day' ? 'date' : kind, c.req.param('key'), PARAM_OF[kind]);
    if (period.start > dayOf(clock())) throw notFound(`${periodLabel(period)} is in the future: nothing has been announced for it yet.`);
    return period;
  }

  async function periodFeed(c: Context, format: FeedFormat, period: Period, rolling: boolean): Promise<Response> {
    const query = parseQuery(c, pageQuerySchema);
    const listing = await loadPeriodListing(readsOf(c, ctx.database), { period, category: query.category, page: query.p ?? 0, limit: PAGE_SIZE });
    const noun = NOUN_OF[period.kind];
    const title = rolling
      ? `Paperfeed · ${noun} Papers${query.category ? ` · ${query.category}` : ''}`
      : `Paperfeed · ${noun} Papers · ${periodLabel(period)}${query.category ? ` · ${query.category}` : ''}`;
    return listingFeedResponse(c, ctx, format, listing, title, ctx.config.baseUrl + periodPath(period));
  }

  return {
    /** Today's papers, else the latest day's, saying how old they are and what the harvest is doing; or how to get papers at all. */
    home: async (c: Context) => {
      const now = clock();
      const today = dayOf(now);
      const latest = await latestDay(readsOf(c, ctx.database), today);
      const stale = latest === null || daysBetween(latest, today) > STALE_AFTER_DAYS;
      const freshness = stale ? { latestDay: latest, today, now, harvest: await recentHarvestState(now) } : undefined;
      return renderPeriodPage(c, ctx, parseDay(latest ?? today), '/', latest ?? today, freshness);
    },
    period: (kind: PeriodKind) => async (c: Context) => {
      const p = periodFrom(c, kind);
      return renderPeriodPage(c, ctx, p, periodPath(p), await homeDay(readsOf(c, ctx.database), clock));
    },
    /**
     * /papers/date?date=…, /papers/week?week=… and /papers/month?month=…: the picker's plain GET form, and the
     * nav's "Weekly"/"Monthly" (no parameter: the period holding the latest day with papers). Redirects to the
     * canonical path.
     */
    pick: (kind: PeriodKind) => async (c: Context) => {
      const name = kind === 'day' ? 'date' : kind;
      // A week or month may also be asked for by any of its days: the picker's fallback where the browser has no
      // week or month input (Firefox, Safari).
      const query: Record<string, Period | undefined> = parseQuery(c, z.object({ [name]: PARAM_OF[kind].optional(), date: dayParam.optional() }));
      const day = query.date?.key;
      const asked = query[name] ?? (day ? periodContaining(kind, day) : undefined);
      const period = asked ?? periodContaining(kind, await homeDay(readsOf(c, ctx.database), clock));
      return c.redirect(periodPath(period), asked ? 303 : 302);
    },
    periodFeed: (kind: PeriodKind) => (c: Context, format: FeedFormat) => periodFeed(c, format, periodFrom(c, kind), false),
    /** /feeds/daily, /feeds/weekly, /feeds/monthly: always the latest period. */
    rollingFeed: (kind: PeriodKind) => async (c: Context, format: FeedFormat) =>
      periodFeed(c, format, periodContaining(kind, await homeDay(readsOf(c, ctx.database), clock)), true),

    trendingPage: async (c: Context) => {
      const query = parseQuery(c, pageQuerySchema);
      const page = query.p ?? 0;
      const reads = readsOf(c, ctx.database);
      return templatedPage(c, ctx, { inputs: dayOf(clock()) }, async (template) => {
        const listing = await loadTrending(reads, clock, { category: query.category, page, limit: PAGE_SIZE });
        const document = htmlDocument(
          withCardState(
            { template, back: pageBack(c) },
            <ListingPage
              listing={listing}
              title="Trending papers"
              heading="Trending papers"
              description="Research papers getting attention now: upvotes, comments and GitHub stars, discounted by age."
              canonical={canonicalOf(ctx, '/papers/trending', query.category, page)}
              path="/papers/trending"
              current="trending"
              feeds={feedsFor('/papers/trending', `Trending papers${query.category ? ` ${query.category}` : ''}`, query.category, { sort: 'trending' })}
              categories={await filterChips(reads, listing)}
              template={template}
            />,
          ),
        );
        return { document, paperIds: listing.items.map((i) => i.paper.id), lastModified: listing.lastModified };
      });
    },
    trendingFeed: async (c: Context, format: FeedFormat) => {
      const query = parseQuery(c, pageQuerySchema);
      const listing = await loadTrending(readsOf(c, ctx.database), clock, { category: query.category, page: query.p ?? 0, limit: PAGE_SIZE });
      const title = `Paperfeed · Trending${query.category ? ` · ${query.category}` : ''}`;
      return listingFeedResponse(c, ctx, format, listing, title, `${ctx.config.baseUrl}/papers/trending`);
    },
    /** /feeds: every feed, for readers that do not autodiscover. */
    feedsIndex: async (c: Context) => {
      const reads = readsOf(c, ctx.database);
      const latest = await homeDay(reads, clock);
      const categories = await categoryCounts(reads, { start: addDays(latest, -30), end: latest }, 'announcements', 40);
      const groups = [
        { title: 'Daily Papers (latest day)', path: '/feeds/daily' },
        { title: 'Weekly Papers (latest week)', path: '/feeds/weekly' },
        { title: 'Monthly Papers (latest month)', path: '/feeds/monthly' },
        { title: 'Trending', path: '/papers/trending' },
      ];
      const html = htmlDocument(
        <FeedsPage canonical={`${ctx.config.baseUrl}/feeds`} groups={groups} categories={categories.map((x) => x.category).sort()} account={accountOf(c)} />,
      );
      return htmlResponse(c, html, null);
    },
    /** /feeds/category/:category/…: the category's papers of its latest week, trending first. */
    categoryFeed: async (c: Context, format: FeedFormat) => {
      const category = parseParam('category', c.req.param('category'), categoryParam);
      const listing = await loadCategoryTrending(readsOf(c, ctx.database), clock, category, PAGE_SIZE);
      return listingFeedResponse(
        c,
        ctx,
        format,
        listing,
        `Paperfeed · ${category}`,
        `${ctx.config.baseUrl}/papers/trending?category=${encodeURIComponent(category)}`,
      );
    },
  };
}

/** A listing's feed, rendered once per memoised listing, format and address (http/feeds.ts). */
function listingFeedResponse(c: Context, ctx: Services, format: FeedFormat, listing: Listing, title: string, homePageUrl: string): Response {
  return keptFeedResponse(c, format, listing, `${title}\n${homePageUrl}`, () => listingFeed(ctx, listing, title, homePageUrl), ctx.config.baseUrl);
}

/** A listing as a feed document. */
function listingFeed(ctx: Services, listing: Listing, title: string, homePageUrl: string): FeedDocument {
  return {
    title,
    description:
      listing.kind === 'submissions'
        ? 'Papers submitted by the research community, ranked by upvotes.'
        : listing.kind === 'trending'
          ? 'Papers getting attention now, ranked by trending score.'
          : 'Papers announced on arXiv, ranked by trending score.',
    homePageUrl,
    updated: listing.lastModified,
    items: listing.items.map((item) => feedItem(ctx.config.baseUrl, item)),
  };
}
