// The queue behind "index any arXiv paper" (migration 008): requests, limited per person and overall in the
// database (so every app process shares one count), and one fetch per arXiv id. Requests are counted when they are
// accepted, whatever becomes of them, so lookups that fail count too.
import { sql } from 'kysely';
import { tooManyRequests } from '../errors.ts';
import type { Database } from './connect.ts';

export type IndexRequestStatus = 'queued' | 'stored' | 'missing' | 'failed' | 'submitted' | 'rejected';

export interface IndexRequestRow {
  id: string;
  arxivId: string;
  requester: string;
  purpose: string;
  payload: unknown;
  status: IndexRequestStatus;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface NewIndexRequest {
  id: string;
  arxivId: string;
  requester: string;
  purpose: 'index' | 'submission';
  payload: unknown;
  /** Requests one requester may make per hour, and all requesters together. */
  perRequesterPerHour: number;
  totalPerHour: number;
}

const HOUR_MS = 3_600_000;

/**
 * Records an accepted request and queues its id (once per id), or throws 429 when the requester or everyone
 * together has made as many requests in the last hour as allowed. The check and the insert happen under one row
 * lock taken first, so concurrent requests cannot both pass the last free place.
 */
export async function enqueueIndexRequest(database: Database, input: NewIndexRequest, now = new Date()): Promise<{ queuedAt: string }> {
  return database.db.transaction().execute(async (trx) => {
    // A write first: SQLite takes its write lock here, PostgreSQL this row's lock, before anything is counted.
    await trx.updateTable('index_request_lock').set({ name: sql`name` }).where('name', '=', 'requests').execute();
    const since = new Date(now.getTime() - HOUR_MS).toISOString();
    const counted = (requester: string | null) => {
      let q = trx
        .selectFrom('index_requests')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
        .where('created_at', '>', since);
      if (requester !== null) q = q.where('requester', '=', requester);
      return q.executeTakeFirstOrThrow();
    };
    const retryAfter = (oldest: unknown) => (Date.parse(String(oldest)) + HOUR_MS - now.getTime()) / 1000;
    const mine = await counted(input.requester);
    if (Number(mine.n) >= input.perRequesterPerHour) {
      throw tooManyRequests(`you can ask for ${input.perRequesterPerHour} papers an hour; try again later`, retryAfter(mine.oldest));
    }
    const all = await counted(null);
    if (Number(all.n) >= input.totalPerHour) {
      throw tooManyRequests('too many papers were asked for in the last hour; try again later', retryAfter(all.oldest));
    }
    const at = now.toISOString();
    await trx
      .insertInto('index_requests')
      .values({
        id: input.id,
        arxiv_id: input.arxivId,
        requester: input.requester,
        purpose: input.purpose,
        payload: input.payload === undefined ? null : JSON.stringify(input.payload),
        status: 'queued',
        created_at: at,
        finished_at: null,
        error: null,
      })
      .execute();
    // One fetch per id: a queued id stays where it is; one that failed or is gone is queued again.
    await trx
      .insertInto('index_fetches')
      .values({ arxiv_id: input.arxivId, status: 'queued', queued_at: at, attempts: 0, finished_at: null, error: null })
      .onConflict((oc) =>
        oc
          .column('arxiv_id')
          .doUpdateSet({ status: 'queued', queued_at: at, attempts: 0, finished_at: null, error: null })
          .where('index_fetches.status', '<>', 'queued'),
      )
      .execute();
    const fetch = await trx.selectFrom('index_fetches').select('queued_at').where('arxiv_id', '=', input.arxivId).executeTakeFirstOrThrow();
    return { queuedAt: fetch.queued_at };
  });
}

/** 1-based place of a queued id among the queued ids (oldest first), or 0 when it is not queued. */
export async function queuePosition(database: Database, arxivId: string): Promise<number> {
  const own = await database.db.selectFrom('index_fetches').select(['queued_at', 'status']).where('arxiv_id', '=', arxivId).executeTakeFirst();
  if (!own || own.status !== 'queued') return 0;
  const ahead = await database.db
    .selectFrom('index_fetches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'queued')
    .where((eb) => eb.or([eb('queued_at', '<', own.queued_at), eb.and([eb('queued_at', '=', own.queued_at), eb('arxiv_id', '<', arxivId)])]))
    .executeTakeFirstOrThrow();
  return Number(ahead.n) + 1;
}

/** The oldest queued ids. */
export async function queuedFetches(database: Database, limit: number): Promise<{ arxivId: string; attempts: number }[]> {
  const rows = await database.db
    .selectFrom('index_fetches')
    .select(['arxiv_id', 'attempts'])
    .where('status', '=', 'queued')
    .orderBy('queued_at')
    .orderBy('arxiv_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ arxivId: r.arxiv_id, attempts: Number(r.attempts) }));
}

/** Ends the fetch of ids arXiv answered for: stored (it had the paper) or missing (it has none by that id). */
export async function finishFetches(database: Database, outcome: { stored: string[]; missing: string[] }, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await database.db.transaction().execute(async (trx) => {
    for (const [ids, fetchStatus, requestStatus, error] of [
      [outcome.stored, 'fetched', 'stored', null],
      [outcome.missing, 'missing', 'missing', 'arXiv has no paper with this id'],
    ] as const) {
      if (!ids.length) continue;
      await trx.updateTable('index_fetches').set({ status: fetchStatus, finished_at: at, error }).where('arxiv_id', 'in', ids).execute();
      await trx
        .updateTable('index_requests')
        .set({ status: requestStatus, finished_at: at, error })
        .where('arxiv_id', 'in', ids)
        .where('status', '=', 'queued')
        .execute();
    }
  });
}

/** A lookup that failed (arXiv unreachable, an unusable answer): tried again later, given up after `maxAttempts`. */
export async function failFetches(database: Database, ids: string[], error: string, maxAttempts: number, now = new Date()): Promise<string[]> {
  if (!ids.length) return [];
  const at = now.toISOString();
  return database.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('index_fetches')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), error }))
      .where('arxiv_id', 'in', ids)
      .execute();
    const given = await trx.selectFrom('index_fetches').select('arxiv_id').where('arxiv_id', 'in', ids).where('attempts', '>=', maxAttempts).execute();
    const up = given.map((r) => r.arxiv_id);
    if (up.length) {
      await trx.updateTable('index_fetches').set({ status: 'failed', finished_at: at }).where('arxiv_id', 'in', up).execute();
      await trx
        .updateTable('index_requests')
        .set({ status: 'failed', finished_at: at, error })
        .where('arxiv_id', 'in', up)
        .where('status', '=', 'queued')
        .execute();
    }
    return up;
  });
}

/** Requests of a purpose whose paper has just been stored and that still have something to do (submissions). */
export async function storedRequests(database: Database, purpose: string, arxivIds: string[]): Promise<IndexRequestRow[]> {
  if (!arxivIds.length) return [];
  const rows = await database.db
    .selectFrom('index_requests')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('status', '=', 'stored')
    .where('arxiv_id', 'in', arxivIds)
    .orderBy('created_at')
    .execute();
  return rows.map(toRow);
}

export async function setRequestOutcome(database: Database, id: string, status: IndexRequestStatus, error: string | null, now = new Date()): Promise<void> {
  await database.db.updateTable('index_requests').set({ status, error, finished_at: now.toISOString() }).where('id', '=', id).execute();
}

export async function getIndexRequest(database: Database, id: string): Promise<IndexRequestRow | null> {
  const row = await database.db.selectFrom('index_requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRow(row) : null;
}

function toRow(r: {
  id: string;
  arxiv_id: string;
  requester: string;
  purpose: string;
  payload: string | null;
  status: string;
  created_at: string;
  finished_at: string | null;
  error: string | null;
}): IndexRequestRow {
  return {
    id: r.id,
    arxivId: r.arxiv_id,
    requester: r.requester,
    purpose: r.purpose,
    payload: r.payload === null ? null : JSON.parse(r.payload),
    status: r.status as IndexRequestStatus,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    error: r.error,
  };
}
