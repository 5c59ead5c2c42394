// Harvest state: where each source resumes, and the GitHub star counts observed over time.
import { sql, type Kysely } from 'kysely';
import type { Paper } from '../domain/paper.ts';
import type { Database } from './connect.ts';
import { storeImportBatch, type UpsertCounts } from './papers.ts';
import type { DB } from './schema.ts';

export async function getCursor<T>(database: Database, source: string): Promise<T | null> {
  const row = await database.db.selectFrom('harvest_cursors').select('state').where('source', '=', source).executeTakeFirst();
  return row ? (JSON.parse(row.state) as T) : null;
}

export async function listCursors(database: Database): Promise<{ source: string; state: unknown; updatedAt: string }[]> {
  const rows = await database.db.selectFrom('harvest_cursors').selectAll().orderBy('source').execute();
  return rows.map((r) => ({ source: r.source, state: JSON.parse(r.state), updatedAt: r.updated_at }));
}

export async function saveCursor(database: Database, source: string, state: unknown): Promise<void> {
  await writeCursor(database.db, source, state);
}

/** Writes a cursor with any executor: the store, or the transaction that stores the page it points past. */
async function writeCursor(db: Kysely<DB>, source: string, state: unknown): Promise<void> {
  const row = { source, state: JSON.stringify(state), updated_at: new Date().toISOString() };
  await db
    .insertInto('harvest_cursors')
    .values(row)
    .onConflict((oc) => oc.column('source').doUpdateSet({ state: row.state, updated_at: row.updated_at }))
    .execute();
}

/**
 * Stores one harvested page and moves the cursor past it in one transaction: after a crash the cursor
 * points at the first page whose papers are not stored, never past it and never before a stored page.
 */
export async function commitHarvestPage(database: Database, source: string, papers: Paper[], cursor: unknown): Promise<UpsertCounts> {
  return storeImportBatch(database, papers, [], (trx) => writeCursor(trx, source, cursor));
}

// ---- GitHub stars ----

const GITHUB_PREFIX = 'https://github.com/';

export interface RepoToRefresh {
  /** owner/name */
  repo: string;
  etag: string | null;
  stars: number | null;
}

/**
 * The repositories linked from papers, those never checked first, then the stalest; a repository that
 * was missing (404) is retried only after a week.
 */
export async function reposToRefresh(database: Database, limit: number, now = new Date()): Promise<RepoToRefresh[]> {
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const rows = await database.db
    .selectFrom('papers')
    .leftJoin('github_repos', (join) => join.on(sql<boolean>`github_repos.repo = substr(papers.code_url, ${sql.lit(GITHUB_PREFIX.length + 1)})`))
    .select([
      sql<string>`substr(papers.code_url, ${sql.lit(GITHUB_PREFIX.length + 1)})`.as('repo'),
      sql<string | null>`max(github_repos.etag)`.as('etag'),
      sql<number | null>`max(github_repos.stars)`.as('stars'),
      sql<string>`coalesce(max(github_repos.checked_at), '')`.as('checked'),
    ])
    .where('papers.code_url', 'like', `${GITHUB_PREFIX}%`)
    .where((eb) => eb.or([eb('github_repos.status', 'is', null), eb('github_repos.status', '!=', 'missing'), eb('github_repos.checked_at', '<', weekAgo)]))
    .groupBy('papers.code_url')
    .orderBy(sql`coalesce(max(github_repos.checked_at), '')`)
    .orderBy(sql`max(coalesce(papers.announced_on, papers.submitted_at, ''))`, 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ repo: r.repo, etag: r.etag, stars: r.stars === null ? null : Number(r.stars) }));
}

export interface StarObservation {
  repo: string;
  observedAt: string;
  /** null when the repository is gone (404): no snapshot, the papers keep their last count. */
  stars: number | null;
  etag: string | null;
  status: 'ok' | 'missing';
}

/** Records one observation: repository state, a point in the time series, and the papers' current count. */
export async function recordStarObservation(database: Database, o: StarObservation): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('github_repos')
      .values({ repo: o.repo, etag: o.etag, stars: o.stars, status: o.status, checked_at: o.observedAt })
      .onConflict((oc) =>
        oc.column('repo').doUpdateSet({
          etag: o.etag,
          status: o.status,
          checked_at: o.observedAt,
          ...(o.stars === null ? {} : { stars: o.stars }),
        }),
      )
      .execute();
    if (o.stars === null) return;
    await trx
      .insertInto('github_star_snapshots')
      .values({ repo: o.repo, observed_at: o.observedAt, stars: o.stars })
      .onConflict((oc) => oc.columns(['repo', 'observed_at']).doNothing())
      .execute();
    await trx
      .updateTable('papers')
      .set({ github_stars: o.stars })
      .where('code_url', '=', GITHUB_PREFIX + o.repo)
      .where((eb) => eb.or([eb('github_stars', 'is', null), eb('github_stars', '!=', o.stars)]))
      .execute();
  });
}

export async function starSnapshots(database: Database, repo: string): Promise<{ observedAt: string; stars: number }[]> {
  const rows = await database.db.selectFrom('github_star_snapshots').select(['observed_at', 'stars']).where('repo', '=', repo).orderBy('observed_at').execute();
  return rows.map((r) => ({ observedAt: r.observed_at, stars: Number(r.stars) }));
}

/** True when the store holds at least one paper (first start detection). */
export async function hasAnyPaper(database: Database): Promise<boolean> {
  return Boolean(await database.db.selectFrom('papers').select('id').limit(1).executeTakeFirst());
}
