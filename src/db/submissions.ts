// Papers people submit to the Daily Papers. A submission and its daily entry are written in one
// transaction, after the duplicate and per-day checks made inside that same transaction.
import { sql } from 'kysely';
import { conflict, notFound, tooManyRequests } from '../errors.ts';
import type { Database } from './connect.ts';

export interface SubmissionInput {
  userId: string;
  username: string;
  paperId: string;
  /** YYYY-MM-DD (UTC): the Daily Papers day the paper enters. */
  day: string;
  maxPerDay: number;
}

/** Throws 429 when the person has used up today's submissions (`day`, UTC). */
async function refuseOverDailyCap(db: Database['db'], input: Pick<SubmissionInput, 'userId' | 'day' | 'maxPerDay'>, now: Date): Promise<void> {
  const today = await db
    .selectFrom('submissions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', input.userId)
    .where('day', '=', input.day)
    .executeTakeFirstOrThrow();
  if (Number(today.n) >= input.maxPerDay) {
    const midnight = Date.parse(`${input.day}T00:00:00Z`) + 86_400_000;
    throw tooManyRequests(`you can submit ${input.maxPerDay} papers a day; try again tomorrow (UTC)`, (midnight - now.getTime()) / 1000);
  }
}

/**
 * The daily cap checked before a paper that is not stored yet is queued for arXiv, so a person past the cap
 * costs no lookup; recordSubmission checks it again, in its transaction, when the paper arrives.
 */
export async function checkDailySubmissionCap(
  database: Database,
  input: Pick<SubmissionInput, 'userId' | 'day' | 'maxPerDay'>,
  now = new Date(),
): Promise<void> {
  await refuseOverDailyCap(database.db, input, now);
}

export async function recordSubmission(database: Database, input: SubmissionInput, now = new Date()): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    // A no-op update takes the submitter's row lock on PostgreSQL (SQLite locks the whole file anyway), so
    // two submissions by one person at once are counted one after the other and cannot both pass the cap.
    await trx.updateTable('users').set({ role: sql`role` }).where('id', '=', input.userId).execute();
    const paper = await trx.selectFrom('papers').select('hidden').where('id', '=', input.paperId).executeTakeFirst();
    if (!paper || Number(paper.hidden)) throw notFound(`no paper ${input.paperId}`);
    const existing = await trx.selectFrom('daily_entries').select(['day', 'submitted_by']).where('paper_id', '=', input.paperId).executeTakeFirst();
    if (existing) {
      throw conflict(`this paper is already in the Daily Papers of ${existing.day}`, 'duplicate_submission');
    }
    await refuseOverDailyCap(trx, input, now);
    const at = now.toISOString();
    await trx.insertInto('submissions').values({ paper_id: input.paperId, user_id: input.userId, day: input.day, created_at: at }).execute();
    await trx
      .insertInto('daily_entries')
      .values({
        paper_id: input.paperId,
        day: input.day,
        submitted_at: at,
        submitted_by: input.username,
        upvotes: 0,
        num_comments: 0,
        source: 'community',
        modified_at: at,
      })
      .execute();
  });
}

export interface UserSubmission {
  paperId: string;
  title: string;
  day: string;
}

export async function listUserSubmissions(database: Database, userId: string, limit = 50): Promise<UserSubmission[]> {
  const rows = await database.db
    .selectFrom('submissions')
    .innerJoin('papers', 'papers.id', 'submissions.paper_id')
    .select(['submissions.paper_id', 'papers.title', 'submissions.day'])
    .where('submissions.user_id', '=', userId)
    .where('papers.hidden', '=', 0)
    .orderBy('submissions.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ paperId: r.paper_id, title: r.title, day: r.day }));
}
