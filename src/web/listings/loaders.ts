// The loaders behind every listing. One loader feeds a page, its JSON (the Hugging Face-shaped API) and its
// RSS/Atom/JSON feeds, so the three can never disagree about what a day, week, month or trending holds. Each
// listing is memoised until the store changes (src/db/memo.ts): the objects returned are shared, never mutate them.
import {
  announcementRankingRows,
  listedPapersByIds,
  listSubmissions,
  latestDayInCategory,
  latestDayWithPapers,
  submissionRankingRows,
  trendingCandidateRows,
  type ListedPaper,
  type RangeFilter,
  type RankingRow,
} from '../../db/listings.ts';
import type { Database } from '../../db/connect.ts';
import { rankTrending, type RankedPaper } from '../../db/trending.ts';
import { addDays, dayOf, type Period } from '../../domain/periods.ts';
import { WINDOW_DAYS } from '../../domain/trending.ts';

export type ListingKind =
  /** Papers submitted to the daily feed (community or Hugging Face), ranked by upvotes. */
  | 'submissions'
  /** Nobody submitted papers for the period: arXiv's announcements, ranked by trending score. */
  | 'announcements'
  /** The trending page: the window's papers by trending score. */
  | 'trending';

export type ListingSort = 'upvotes' | 'publishedAt' | 'trending';

export interface Listing {
  kind: ListingKind;
  period: Period | null;
  items: RankedPaper[];
  total: number;
  /** Zero-based page index and page size. */
  page: number;
  limit: number;
  category: string | null;
  /** The day trending scores are computed as of. */
  referenceDay: string | null;
  /** Newest change among the papers shown. */
  lastModified: string | null;
}

export interface ListingQuery {
  period: Period;
  category?: string;
  submitter?: string;
  page: number;
  limit: number;
  sort?: ListingSort;
}

/** Today in UTC, or the clock a test fixes. */
export type Clock = () => Date;

function lastModifiedOf(items: ListedPaper[]): string | null {
  let newest: string | null = null;
  for (const i of items) if (!newest || i.paper.modifiedAt > newest) newest = i.paper.modifiedAt;
  return newest;
}

/** The latest day, not after `today`, that has papers; null on an empty store. */
export function latestDay(database: Database, today: string): Promise<string | null> {
  return database.memo.get(`latest-day ${today}`, () => latestDayWithPapers(database, today));
}

/** The day the home page shows: today if it has papers, else the latest day that has. */
export async function homeDay(database: Database, clock: Clock): Promise<string> {
  const today = dayOf(clock());
  return (await latestDay(database, today)) ?? today;
}

/** One page of rows ranked by trending score, with full records. */
async function rankedPage(database: Database, rows: RankingRow[], referenceDay: string, page: number, limit: number) {
  const scored = await rankTrending(database, rows, referenceDay);
  const slice = scored.slice(page * limit, page * limit + limit);
  const papers = await listedPapersByIds(
    database,
    slice.map((s) => s.id),
  );
  const scoreById = new Map(slice.map((s) => [s.id, s.trending]));
  const items: RankedPaper[] = papers.map((p) => ({ ...p, trending: scoreById.get(p.paper.id) }));
  return { items, total: scored.length };
}

/**
 * A day, week or month: its submissions ranked by upvotes (or newest first, or by trending score), or — when
 * nobody submitted anything in the period — the period's arXiv announcements ranked by trending score.
 */
export function loadPeriodListing(database: Database, q: ListingQuery): Promise<Listing> {
  const key = `period ${q.period.start} ${q.period.end} ${q.category ?? ''} ${q.submitter ?? ''} ${q.page} ${q.limit} ${q.sort ?? ''}`;
  return database.memo.get(key, () => readPeriodListing(database, q));
}

async function readPeriodListing(database: Database, q: ListingQuery): Promise<Listing> {
  const filter: RangeFilter = { start: q.period.start, end: q.period.end, category: q.category, submitter: q.submitter };
  const base = { period: q.period, page: q.page, limit: q.limit, category: q.category ?? null };
  // Which kind the period is does not depend on the filters: a category with no submissions on a day that has
  // some shows an empty list of submissions, not announcements.
  const hasSubmissions = (await listSubmissions(database, { start: q.period.start, end: q.period.end }, { offset: 0, limit: 1 })).total > 0;
  if (hasSubmissions && q.sort !== 'trending') {
    const { items, total } = await listSubmissions(database, filter, { offset: q.page * q.limit, limit: q.limit }, q.sort ?? 'upvotes');
    return { ...base, kind: 'submissions', items, total, referenceDay: null, lastModified: lastModifiedOf(items) };
  }
  const rows = hasSubmissions ? await submissionRankingRows(database, filter) : await announcementRankingRows(database, filter);
  const { items, total } = await rankedPage(database, rows, q.period.end, q.page, q.limit);
  return {
    ...base,
    kind: hasSubmissions ? 'submissions' : 'announcements',
    items,
    total,
    referenceDay: q.period.end,
    lastModified: lastModifiedOf(items),
  };
}

/** Trending: the papers of the last WINDOW_DAYS days up to the latest day with activity, by trending score. */
export async function loadTrending(
  database: Database,
  clock: Clock,
  q: { category?: string; page: number; limit: number; referenceDay?: string },
): Promise<Listing> {
  const referenceDay = q.referenceDay ?? (await homeDay(database, clock));
  return database.memo.get(`trending ${referenceDay} ${q.category ?? ''} ${q.page} ${q.limit}`, () => readTrending(database, { ...q, referenceDay }));
}

async function readTrending(database: Database, q: { category?: string; page: number; limit: number; referenceDay: string }): Promise<Listing> {
  const referenceDay = q.referenceDay;
  const start = addDays(referenceDay, -(WINDOW_DAYS - 1));
  const rows = await trendingCandidateRows(database, { start, end: referenceDay, category: q.category });
  const { items, total } = await rankedPage(database, rows, referenceDay, q.page, q.limit);
  return {
    kind: 'trending',
    period: { kind: 'day', key: referenceDay, start, end: referenceDay },
    items,
    total,
    page: q.page,
    limit: q.limit,
    category: q.category ?? null,
    referenceDay,
    lastModified: lastModifiedOf(items),
  };
}

/**
 * A category's trending window, anchored on the latest day arXiv announced papers in it: categories are announced
 * on different rhythms, and papers from some sources carry no categories, so the site-wide latest day can be empty.
 */
export async function loadCategoryTrending(database: Database, clock: Clock, category: string, limit: number): Promise<Listing> {
  const referenceDay = (await latestDayInCategory(database, category, dayOf(clock()))) ?? (await homeDay(database, clock));
  return loadTrending(database, clock, { category, page: 0, limit, referenceDay });
}
