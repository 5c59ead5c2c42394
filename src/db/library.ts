// A person's library: the papers they saved, private to them. Saving is explicit and idempotent (set saved or
// not saved), like votes, so a resubmitted form never undoes it.
import { sql } from 'kysely';
import { notFound } from '../errors.ts';
import type { Database } from './connect.ts';

/** Saves (`saved` true) or removes a paper from the person's library. Hidden or unknown papers are a 404. */
export async function setSaved(
  database: Database,
  userId: string,
  paperId: string,
  saved: boolean,
  now = new Date(),
): Promise<{ saved: boolean; changed: boolean }> {
  const paper = await database.db.selectFrom('papers').select('hidden').where('id', '=', paperId).executeTakeFirst();
  if (!paper || Number(paper.hidden)) throw notFound(`no paper ${paperId}`);
  if (saved) {
    const r = await database.db
      .insertInto('library_items')
      .values({ user_id: userId, paper_id: paperId, created_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
      .executeTakeFirst();
    return { saved, changed: Number(r.numInsertedOrUpdatedRows ?? 0) > 0 };
  }
  const r = await database.db.deleteFrom('library_items').where('user_id', '=', userId).where('paper_id', '=', paperId).executeTakeFirst();
  return { saved, changed: Number(r.numDeletedRows) > 0 };
}

/** Which of these papers the person has saved (for the marks on cards). */
/**
 * Which of these papers the person upvoted and which they saved: what their controls on a page of papers show.
 * One statement for both, so a page costs one round trip to PostgreSQL rather than two.
 */
export async function votesAndSavesAmong(database: Database, userId: string, paperIds: string[]): Promise<{ upvoted: Set<string>; saved: Set<string> }> {
  const upvoted = new Set<string>();
  const saved = new Set<string>();
  if (!paperIds.length) return { upvoted, saved };
  // Memoised under the listings change counter: a vote moves it through the paper's total, a save through its own
  // trigger (migration 18).
  const rows = await database.memo.get(`marks ${userId} ${paperIds.join(' ')}`, () => readMarks(database, userId, paperIds));
  for (const row of rows) (row.mark === 'upvoted' ? upvoted : saved).add(row.paper_id);
  return { upvoted, saved };
}

function readMarks(database: Database, userId: string, paperIds: string[]) {
  return database.db
    .selectFrom('votes')
    .select(['paper_id', sql<string>`'upvoted'`.as('mark')])
    .where('user_id', '=', userId)
    .where('paper_id', 'in', paperIds)
    .unionAll(
      database.db
        .selectFrom('library_items')
        .select(['paper_id', sql<string>`'saved'`.as('mark')])
        .where('user_id', '=', userId)
        .where('paper_id', 'in', paperIds),
    )
    .execute();
}

export interface LibraryEntry {
  paperId: string;
  savedAt: string;
}

/** The visible papers in a person's library, most recently saved first, and how many there are. */
export async function listLibrary(
  database: Database,
  userId: string,
  page: { offset: number; limit: number },
): Promise<{ items: LibraryEntry[]; total: number }> {
  const base = database.db
    .selectFrom('library_items as l')
    .innerJoin('papers as p', 'p.id', 'l.paper_id')
    .where('l.user_id', '=', userId)
    .where('p.hidden', '=', 0);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['l.paper_id', 'l.created_at'])
    .orderBy('l.created_at', 'desc')
    .orderBy('l.paper_id')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return { items: rows.map((r) => ({ paperId: r.paper_id, savedAt: r.created_at })), total: Number(total.n) };
}

export type InterestReason = 'saved' | 'upvoted' | 'claimed';

export interface Interest {
  paperId: string;
  reason: InterestReason;
}

/**
 * What "For you" learns from: the person's saved, upvoted and claimed (approved) papers, each once, the strongest
 * reason first (a paper saved and upvoted counts as saved). Capped at the most recent `limit` of each kind.
 */
export async function interestsOf(database: Database, userId: string, limit = 500): Promise<Interest[]> {
  const [saved, upvoted, claimed] = await Promise.all([
    database.db.selectFrom('library_items').select('paper_id').where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute(),
    database.db.selectFrom('votes').select('paper_id').where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute(),
    database.db
      .selectFrom('author_claims')
      .select('paper_id')
      .where('user_id', '=', userId)
      .where('status', '=', 'approved')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute(),
  ]);
  const out = new Map<string, InterestReason>();
  for (const [rows, reason] of [
    [saved, 'saved'],
    [claimed, 'claimed'],
    [upvoted, 'upvoted'],
  ] as const) {
    for (const r of rows) if (!out.has(r.paper_id)) out.set(r.paper_id, reason);
  }
  return [...out].map(([paperId, reason]) => ({ paperId, reason }));
}
