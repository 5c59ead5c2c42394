// Community upvotes: one per person per paper. papers.community_upvotes is changed in the same transaction
// as the votes row, by a relative UPDATE (x = x + 1), so concurrent voters never overwrite each other.
import { sql } from 'kysely';
import { notFound } from '../errors.ts';
import type { Database } from './connect.ts';

export interface VoteResult {
  upvoted: boolean;
  /** Imported (Hugging Face) upvotes plus community upvotes: the number shown everywhere. */
  upvotes: number;
  communityUpvotes: number;
}

/**
 * Sets the person's vote on a paper: `want` true adds it, false removes it. Explicit, never a toggle, so a repeated
 * request (a resubmitted form, a retried API call) leaves the same state. Hidden or unknown papers are a 404.
 */
export async function setVote(database: Database, userId: string, paperId: string, want: boolean): Promise<VoteResult> {
  return database.db.transaction().execute(async (trx) => {
    // One read gets everything the decision needs: the paper, its counts, and whether this person voted.
    const row = await trx
      .selectFrom('papers as p')
      .leftJoin('daily_entries as d', 'd.paper_id', 'p.id')
      .leftJoin('votes as v', (join) => join.onRef('v.paper_id', '=', 'p.id').on('v.user_id', '=', userId))
      .select(['p.hidden', 'p.community_upvotes', 'd.upvotes as imported', 'v.user_id as voter'])
      .where('p.id', '=', paperId)
      .executeTakeFirst();
    if (!row || Number(row.hidden)) throw notFound(`no paper ${paperId}`);
    let delta: number;
    if (want) {
      // ON CONFLICT DO NOTHING makes a concurrent duplicate a no-op instead of an error or a double count.
      const r = await trx
        .insertInto('votes')
        .values({ user_id: userId, paper_id: paperId, created_at: new Date().toISOString() })
        .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
        .executeTakeFirst();
      delta = Number(r.numInsertedOrUpdatedRows ?? 0);
    } else {
      const r = await trx.deleteFrom('votes').where('user_id', '=', userId).where('paper_id', '=', paperId).executeTakeFirst();
      delta = -Number(r.numDeletedRows);
    }
    let community = Number(row.community_upvotes);
    if (delta !== 0) {
      const updated = await trx
        .updateTable('papers')
        .set({ community_upvotes: sql`community_upvotes + ${delta}` })
        .where('id', '=', paperId)
        .returning('community_upvotes')
        .executeTakeFirstOrThrow();
      community = Number(updated.community_upvotes);
    }
    return { upvoted: want, communityUpvotes: community, upvotes: community + Number(row.imported ?? 0) };
  });
}

/** Which of these papers the person has upvoted (for "you voted" marks in listings). */

/** The number of vote rows for a paper: the ground truth the counter must equal (tests and the load check use it). */
export async function countVotes(database: Database, paperId: string): Promise<number> {
  const row = await database.db
    .selectFrom('votes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('paper_id', '=', paperId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface PaperCounts {
  hidden: boolean;
  /** Imported plus community, as shown everywhere. */
  upvotes: number;
  /** Imported plus community, as the API's numComments counts them. */
  numComments: number;
  /** Comments the source (Hugging Face) counted, whose text is not here. */
  sourceComments: number;
}

/** The counts shown for one paper, or null when it is unknown. */
export function paperCounts(database: Database, paperId: string): Promise<PaperCounts | null> {
  // Papers and daily entries are under the listings counter (migration 16).
  return database.memo.get(`counts ${paperId}`, () => readPaperCounts(database, paperId));
}

async function readPaperCounts(database: Database, paperId: string): Promise<PaperCounts | null> {
  const row = await database.db
    .selectFrom('papers')
    .leftJoin('daily_entries', 'daily_entries.paper_id', 'papers.id')
    .select(['papers.hidden', 'papers.community_upvotes', 'papers.community_comments', 'daily_entries.upvotes', 'daily_entries.num_comments'])
    .where('papers.id', '=', paperId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    hidden: Number(row.hidden) === 1,
    upvotes: Number(row.community_upvotes) + Number(row.upvotes ?? 0),
    numComments: Number(row.community_comments) + Number(row.num_comments ?? 0),
    sourceComments: Number(row.num_comments ?? 0),
  };
}

export interface UserUpvote {
  paperId: string;
  title: string;
  votedAt: string;
}

/** The visible papers a person upvoted, most recent vote first, and how many there are in all. */
export async function listUserUpvotes(database: Database, userId: string, limit = 30): Promise<{ items: UserUpvote[]; total: number }> {
  const base = database.db.selectFrom('votes as v').innerJoin('papers as p', 'p.id', 'v.paper_id').where('v.user_id', '=', userId).where('p.hidden', '=', 0);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base.select(['p.id', 'p.title', 'v.created_at']).orderBy('v.created_at', 'desc').orderBy('p.id').limit(limit).execute();
  return { items: rows.map((r) => ({ paperId: r.id, title: r.title, votedAt: r.created_at })), total: Number(total.n) };
}
