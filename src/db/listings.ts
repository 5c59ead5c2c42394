// Read models for the feeds: a period's community/Hugging Face submissions ranked by upvotes, a period's arXiv
// announcements, the candidates trending ranks, and star history. Hidden papers never leave this module.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from './connect.ts';
import { rowToPaper, type StoredPaper } from './papers.ts';
import type { DB } from './schema.ts';

/** What the daily feed knows about a paper beyond the arXiv record. */
export interface DailySignals {
  /** Day the paper entered the daily feed, or null for an announcement nobody submitted. */
  day: string | null;
  submittedAt: string | null;
  submittedBy: string | null;
  source: string | null;
  /** Source upvotes plus community upvotes. */
  upvotes: number;
  /**
   * Source comments plus community comments: what the API's `numComments` and the trending score count. Pages show
   * the two apart, because only community comments have bodies here.
   */
  comments: number;
  /** Visible comments written here (their thread is on the paper page). */
  communityComments: number;
  /** Comments the source (Hugging Face) counted; their text stays there. */
  sourceComments: number;
}

export interface ListedPaper {
  paper: StoredPaper;
  signals: DailySignals;
}

export interface RangeFilter {
  /** Inclusive YYYY-MM-DD bounds. */
  start: string;
  end: string;
  category?: string;
  submitter?: string;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export type SubmissionSort = 'upvotes' | 'publishedAt';

type PaperQuery<O> = SelectQueryBuilder<DB, any, O>;

function withCategory<O>(q: PaperQuery<O>, category: string | undefined): PaperQuery<O> {
  if (!category) return q;
  return q.where(({ exists, selectFrom }) =>
    exists(selectFrom('paper_categories as pc').select('pc.paper_id').whereRef('pc.paper_id', '=', 'p.id').where('pc.category', '=', category)),
  );
}

function submissionsBase(database: Database, f: RangeFilter) {
  let q = database.db
    .selectFrom('daily_entries as d')
    .innerJoin('papers as p', 'p.id', 'd.paper_id')
    .where('d.day', '>=', f.start)
    .where('d.day', '<=', f.end)
    .where('p.hidden', '=', 0);
  if (f.submitter) q = q.where('d.submitted_by', '=', f.submitter);
  return withCategory(q as PaperQuery<{}>, f.category);
}

const UPVOTES = sql<number>`(d.upvotes + p.community_upvotes)`;

/** Papers submitted to the daily feed in a range, most upvoted first (or newest first), one page, plus the total. */
export async function listSubmissions(
  database: Database,
  f: RangeFilter,
  page: PageRequest,
  sort: SubmissionSort = 'upvotes',
): Promise<{ items: ListedPaper[]; total: number }> {
  const total = await submissionsBase(database, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let q = submissionsBase(database, f)
    .selectAll('p')
    .select([
      'd.day as d_day',
      'd.submitted_at as d_submitted_at',
      'd.submitted_by as d_submitted_by',
      'd.source as d_source',
      sql<number>`(d.upvotes + p.community_upvotes)`.as('d_upvotes'),
      'd.num_comments as d_source_comments',
    ]);
  q =
    sort === 'upvotes'
      ? q.orderBy(UPVOTES, 'desc').orderBy('d.day', 'desc').orderBy('p.id', 'desc')
      : q.orderBy('p.submitted_at', 'desc').orderBy('p.id', 'desc');
  const rows = (await q.offset(page.offset).limit(page.limit).execute()) as any[];
  return { items: rows.map(toListed), total: Number(total.n) };
}

function toListed(row: any): ListedPaper {
  const communityComments = Number(row.community_comments ?? 0);
  const sourceComments = Number(row.d_source_comments ?? 0);
  return {
    paper: rowToPaper(row),
    signals: {
      day: row.d_day ?? null,
      submittedAt: row.d_submitted_at ?? null,
      submittedBy: row.d_submitted_by ?? null,
      source: row.d_source ?? null,
      upvotes: Number(row.d_upvotes ?? row.community_upvotes ?? 0),
      comments: communityComments + sourceComments,
      communityComments,
      sourceComments,
    },
  };
}

/** The lightweight facts trending ranks by; the full paper is fetched only for the page shown. */
export interface RankingRow {
  id: string;
  /** The day the paper first appeared here: its daily-feed day, else its announcement, else its submission. */
  firstSeen: string;
  upvotes: number;
  comments: number;
  githubRepo: string | null;
  githubStars: number | null;
}

const FIRST_SEEN = sql<string>`COALESCE(d.day, p.announced_on, substr(p.submitted_at, 1, 10))`;

function rankingSelect(database: Database) {
  return database.db
    .selectFrom('papers as p')
    .leftJoin('daily_entries as d', 'd.paper_id', 'p.id')
    .where('p.hidden', '=', 0)
    .select([
      'p.id as id',
      FIRST_SEEN.as('firstSeen'),
      sql<number>`(COALESCE(d.upvotes, 0) + p.community_upvotes)`.as('upvotes'),
      sql<number>`(COALESCE(d.num_comments, 0) + p.community_comments)`.as('comments'),
      'p.code_url as githubRepo',
      'p.github_stars as githubStars',
    ]);
}

function toRankingRow(r: any): RankingRow {
  return {
    id: r.id,
    firstSeen: r.firstSeen,
    upvotes: Number(r.upvotes),
    comments: Number(r.comments),
    githubRepo: r.githubRepo ?? null,
    githubStars: r.githubStars === null || r.githubStars === undefined ? null : Number(r.githubStars),
  };
}

/** Every paper arXiv announced in a range (the fallback when nobody submitted papers), for ranking. */
export async function announcementRankingRows(database: Database, f: RangeFilter): Promise<RankingRow[]> {
  let q = rankingSelect(database).where('p.announced_on', '>=', f.start).where('p.announced_on', '<=', f.end);
  q = withCategory(q as PaperQuery<any>, f.category) as typeof q;
  return (await q.execute()).map(toRankingRow);
}

/** Papers submitted to the daily feed in a range, for ranking by trending score. */
export async function submissionRankingRows(database: Database, f: RangeFilter): Promise<RankingRow[]> {
  let q = rankingSelect(database).where('d.day', '>=', f.start).where('d.day', '<=', f.end);
  if (f.submitter) q = q.where('d.submitted_by', '=', f.submitter);
  q = withCategory(q as PaperQuery<any>, f.category) as typeof q;
  return (await q.execute()).map(toRankingRow);
}

/**
 * Papers that entered the daily feed or were announced within a window: the trending candidates. Two indexed
 * queries merged here rather than one OR across both tables, which would scan every paper.
 */
export async function trendingCandidateRows(database: Database, f: RangeFilter): Promise<RankingRow[]> {
  const byId = new Map<string, RankingRow>();
  for (const r of await submissionRankingRows(database, f)) byId.set(r.id, r);
  for (const r of await announcementRankingRows(database, f)) if (!byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()];
}

/** Ranking rows for given papers (search's candidates for sort=trending). Hidden papers are left out. */
export async function rankingRowsByIds(database: Database, ids: string[]): Promise<RankingRow[]> {
  const out: RankingRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    out.push(
      ...(
        await rankingSelect(database)
          .where('p.id', 'in', ids.slice(i, i + 500))
          .execute()
      ).map(toRankingRow),
    );
  }
  return out;
}

/**
 * Full records for ids, in the order given, with their daily signals. Hidden papers are left out. Memoised until
 * the store changes (src/db/memo.ts): the records are shared, never mutate them.
 */
export async function listedPapersByIds(database: Database, ids: string[]): Promise<ListedPaper[]> {
  if (!ids.length) return [];
  // A copy of the memoised list, which callers may sort.
  return [...(await database.memo.get(`listed ${ids.join(' ')}`, () => readListedPapers(database, ids)))];
}

async function readListedPapers(database: Database, ids: string[]): Promise<ListedPaper[]> {
  const rows = (await database.db
    .selectFrom('papers as p')
    .leftJoin('daily_entries as d', 'd.paper_id', 'p.id')
    .where('p.id', 'in', ids)
    .where('p.hidden', '=', 0)
    .selectAll('p')
    .select([
      'd.day as d_day',
      'd.submitted_at as d_submitted_at',
      'd.submitted_by as d_submitted_by',
      'd.source as d_source',
      sql<number>`(COALESCE(d.upvotes, 0) + p.community_upvotes)`.as('d_upvotes'),
      'd.num_comments as d_source_comments',
    ])
    .execute()) as any[];
  const byId = new Map(rows.map((r) => [r.id as string, toListed(r)]));
  return ids.map((id) => byId.get(id)).filter((x): x is ListedPaper => !!x);
}

/** One visible paper with its signals, or null (unknown or hidden). */
export async function getListedPaper(database: Database, id: string): Promise<ListedPaper | null> {
  return (await listedPapersByIds(database, [id]))[0] ?? null;
}

/**
 * Categories present in a range with their paper counts, most common first: the filter chips.
 * `source` picks submissions or announcements to match what the page lists.
 */
export async function categoryCounts(
  database: Database,
  f: RangeFilter,
  source: 'submissions' | 'announcements',
  limit = 12,
): Promise<{ category: string; count: number }[]> {
  const key = `category-counts ${f.start} ${f.end} ${source} ${limit}`;
  // A copy of the memoised list, which callers may extend.
  return [...(await database.memo.get(key, () => readCategoryCounts(database, f, source, limit)))];
}

async function readCategoryCounts(database: Database, f: RangeFilter, source: 'submissions' | 'announcements', limit: number) {
  const base =
    source === 'submissions'
      ? database.db.selectFrom('daily_entries as d').innerJoin('papers as p', 'p.id', 'd.paper_id').where('d.day', '>=', f.start).where('d.day', '<=', f.end)
      : database.db.selectFrom('papers as p').where('p.announced_on', '>=', f.start).where('p.announced_on', '<=', f.end);
  // The two bases differ only in their FROM clause; past it the query is the same.
  const rows = await (base as PaperQuery<any>)
    .innerJoin('paper_categories as c', 'c.paper_id', 'p.id')
    .where('p.hidden', '=', 0 as any)
    .select(['c.category as category', (eb: any) => eb.fn.countAll().as('n')])
    .groupBy('c.category')
    .orderBy('n', 'desc')
    .orderBy('c.category')
    .limit(limit)
    .execute();
  return (rows as any[]).map((r) => ({ category: r.category, count: Number(r.n) }));
}

/**
 * The nearest day on one side of `day` that has a submission or an announcement: the latest one before (or on,
 * with '<=') it, or the earliest one after it. Each side is an indexed MIN/MAX over daily_entries and papers.
 */
async function nearestDayWithPapers(database: Database, op: '<' | '<=' | '>', day: string): Promise<string | null> {
  const latest = op !== '>';
  const daily = await database.db
    .selectFrom('daily_entries')
    .select((eb) => (latest ? eb.fn.max('day') : eb.fn.min('day')).as('day'))
    .where('day', op, day)
    .executeTakeFirst();
  const announced = await database.db
    .selectFrom('papers')
    .select((eb) => (latest ? eb.fn.max('announced_on') : eb.fn.min('announced_on')).as('day'))
    .where('announced_on', op, day)
    .executeTakeFirst();
  const days = [daily?.day, announced?.day].filter((d): d is string => !!d).sort();
  return (latest ? days.at(-1) : days[0]) ?? null;
}

/** The latest day, not after `today`, that has a submission or an announcement: what the home page shows. */
export function latestDayWithPapers(database: Database, today: string): Promise<string | null> {
  return nearestDayWithPapers(database, '<=', today);
}

/** The days with papers nearest to a period on either side (the later one not after `today`), for empty periods. */
export async function daysWithPapersAround(
  database: Database,
  range: { start: string; end: string },
  today: string,
): Promise<{ previous: string | null; next: string | null }> {
  const next = await nearestDayWithPapers(database, '>', range.end);
  return { previous: await nearestDayWithPapers(database, '<', range.start), next: next && next <= today ? next : null };
}

/** The latest day, not after `today`, on which arXiv announced a paper of a category. */
export async function latestDayInCategory(database: Database, category: string, today: string): Promise<string | null> {
  const row = await database.db
    .selectFrom('paper_categories as c')
    .innerJoin('papers as p', 'p.id', 'c.paper_id')
    .where('c.category', '=', category)
    .where('p.hidden', '=', 0)
    .where('p.announced_on', '<=', today)
    .select((eb) => eb.fn.max('p.announced_on').as('day'))
    .executeTakeFirst();
  return (row?.day as string | null | undefined) ?? null;
}

/** When anything a listing shows last changed: the newest modification of a paper or daily entry. */
export async function lastModifiedAt(database: Database): Promise<string | null> {
  const p = await database.db
    .selectFrom('papers')
    .select((eb) => eb.fn.max('modified_at').as('m'))
    .executeTakeFirst();
  const d = await database.db
    .selectFrom('daily_entries')
    .select((eb) => eb.fn.max('modified_at').as('m'))
    .executeTakeFirst();
  const all = [p?.m, d?.m].filter((x): x is string => !!x);
  return all.length ? all.sort().at(-1)! : null;
}

/** Star counts observed for repositories ("owner/repo") between two instants, oldest first per repo. */
export async function starSnapshots(
  database: Database,
  repos: string[],
  from: string,
  to: string,
): Promise<Map<string, { observedAt: string; stars: number }[]>> {
  const out = new Map<string, { observedAt: string; stars: number }[]>();
  for (let i = 0; i < repos.length; i += 400) {
    const chunk = repos.slice(i, i + 400);
    const rows = await sql<{ repo: string; observed_at: string; stars: number }>`
      SELECT repo, observed_at, stars FROM github_star_snapshots
      WHERE repo IN (${sql.join(chunk)}) AND observed_at >= ${from} AND observed_at <= ${to}
      ORDER BY repo, observed_at`.execute(database.db);
    for (const r of rows.rows) {
      const list = out.get(r.repo) ?? [];
      list.push({ observedAt: r.observed_at, stars: Number(r.stars) });
      out.set(r.repo, list);
    }
  }
  return out;
}
