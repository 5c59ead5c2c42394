// Threaded comments on papers. papers.community_comments counts the visible ones (not deleted, not hidden)
// and changes in the same transaction as the comment, like the vote counter.
import { sql, type Transaction } from 'kysely';
import { newId } from '../domain/credentials.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import type { Database } from './connect.ts';
import type { DB } from './schema.ts';

export const COMMENT_MAX_LENGTH = 10_000;

export interface StoredComment {
  id: string;
  paperId: string;
  parentId: string | null;
  userId: string;
  username: string;
  body: string;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  hidden: boolean;
}

export async function addComment(
  database: Database,
  input: { paperId: string; userId: string; parentId?: string | null; body: string },
): Promise<StoredComment> {
  const body = checkBody(input.body);
  return database.db.transaction().execute(async (trx) => {
    const paper = await trx.selectFrom('papers').select(['hidden']).where('id', '=', input.paperId).executeTakeFirst();
    if (!paper || Number(paper.hidden)) throw notFound(`no paper ${input.paperId}`);
    if (input.parentId) {
      const parent = await trx.selectFrom('comments').select(['paper_id', 'deleted_at', 'hidden_at']).where('id', '=', input.parentId).executeTakeFirst();
      if (!parent || parent.paper_id !== input.paperId) throw badRequest('the comment you reply to is not on this paper', 'bad_parent');
      if (parent.deleted_at || parent.hidden_at) throw badRequest('the comment you reply to was removed', 'bad_parent');
    }
    const row = {
      id: newId(),
      paper_id: input.paperId,
      user_id: input.userId,
      parent_id: input.parentId ?? null,
      body,
      created_at: new Date().toISOString(),
      edited_at: null,
      deleted_at: null,
      hidden_at: null,
    };
    await trx.insertInto('comments').values(row).execute();
    await adjustCounter(trx, input.paperId, 1);
    const user = await trx.selectFrom('users').select('username').where('id', '=', input.userId).executeTakeFirstOrThrow();
    return toComment({ ...row, username: user.username });
  });
}

/** The author edits their own comment within the edit window; anyone else gets a 403. */
export async function editComment(
  database: Database,
  input: { commentId: string; userId: string; body: string; editWindowMs: number },
  now = new Date(),
): Promise<StoredComment> {
  const body = checkBody(input.body);
  const existing = await getComment(database, input.commentId);
  if (!existing || existing.deleted) throw notFound('no such comment');
  if (existing.userId !== input.userId) throw forbidden('you can only edit your own comments');
  if (existing.hidden) throw forbidden('a moderator hid this comment; it can no longer be edited');
  if (now.getTime() - Date.parse(existing.createdAt) > input.editWindowMs) {
    throw forbidden(`comments can be edited for ${Math.round(input.editWindowMs / 60_000)} minutes after posting`, 'edit_window_closed');
  }
  await database.db
    .updateTable('comments')
    .set({ body, edited_at: now.toISOString() })
    .where('id', '=', input.commentId)
    .where('user_id', '=', input.userId)
    .execute();
  return { ...existing, body, editedAt: now.toISOString() };
}

/**
 * The author deletes their own comment. Replies stay, under a "deleted" placeholder. The text is erased, unless a
 * moderator hid the comment or someone reported it: then deleting only takes it out of public view, and moderators
 * still see what was said (and the report stays in their queue), so deleting cannot destroy the evidence.
 */
export async function deleteComment(database: Database, input: { commentId: string; userId: string }, now = new Date()): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('comments').selectAll().where('id', '=', input.commentId).executeTakeFirst();
    if (!row || row.deleted_at) throw notFound('no such comment');
    if (row.user_id !== input.userId) throw forbidden('you can only delete your own comments');
    const reported = await trx
      .selectFrom('comment_reports')
      .select('comment_id')
      .where('comment_id', '=', row.id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    const keepForModerators = row.hidden_at !== null || reported !== undefined;
    await trx
      .updateTable('comments')
      .set({ deleted_at: now.toISOString(), ...(keepForModerators ? {} : { body: '' }) })
      .where('id', '=', row.id)
      .execute();
    if (!row.hidden_at) await adjustCounter(trx, row.paper_id, -1);
  });
}

/**
 * Hides or shows a comment (moderators; the caller logs the action in the same transaction). A comment its author
 * deleted can still be hidden (it was reported): that changes no count, since deleted comments are not counted.
 */
export async function setCommentHidden(trx: Transaction<DB>, commentId: string, hidden: boolean, now = new Date()): Promise<string> {
  const row = await trx.selectFrom('comments').selectAll().where('id', '=', commentId).executeTakeFirst();
  if (!row) throw notFound('no such comment');
  if (Boolean(row.hidden_at) === hidden) return row.paper_id;
  await trx
    .updateTable('comments')
    .set({ hidden_at: hidden ? now.toISOString() : null })
    .where('id', '=', commentId)
    .execute();
  if (!row.deleted_at) await adjustCounter(trx, row.paper_id, hidden ? -1 : 1);
  return row.paper_id;
}

export async function reportComment(database: Database, input: { commentId: string; userId: string; reason: string }): Promise<void> {
  const reason = input.reason.trim().slice(0, 500);
  if (!reason) throw badRequest('say briefly what is wrong with the comment');
  const existing = await getComment(database, input.commentId);
  if (!existing || existing.deleted) throw notFound('no such comment');
  await database.db
    .insertInto('comment_reports')
    .values({ comment_id: input.commentId, user_id: input.userId, reason, created_at: new Date().toISOString(), resolved_at: null })
    .onConflict((oc) => oc.columns(['comment_id', 'user_id']).doNothing())
    .execute();
}

export async function getComment(database: Database, id: string): Promise<StoredComment | null> {
  const row = await baseQuery(database).where('comments.id', '=', id).executeTakeFirst();
  return row ? toComment(row) : null;
}

/** Every comment on a paper, oldest first (the caller builds the thread). */
export async function listPaperComments(database: Database, paperId: string): Promise<StoredComment[]> {
  // Comments and users are under the listings counter (migration 16); callers get their own list of shared comments.
  return [...(await database.memo.get(`comments ${paperId}`, () => readPaperComments(database, paperId)))];
}

async function readPaperComments(database: Database, paperId: string): Promise<StoredComment[]> {
  const rows = await baseQuery(database).where('comments.paper_id', '=', paperId).orderBy('comments.created_at').orderBy('comments.id').execute();
  return rows.map(toComment);
}

/** A person's visible comments, newest first, with the paper title (profile page). */
export async function listUserComments(database: Database, userId: string, limit = 50): Promise<(StoredComment & { paperTitle: string })[]> {
  const rows = await baseQuery(database)
    .innerJoin('papers', 'papers.id', 'comments.paper_id')
    .select('papers.title as paper_title')
    .where('comments.user_id', '=', userId)
    .where('comments.deleted_at', 'is', null)
    .where('comments.hidden_at', 'is', null)
    .where('papers.hidden', '=', 0)
    .orderBy('comments.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...toComment(r), paperTitle: r.paper_title }));
}

export interface OpenReport {
  commentId: string;
  paperId: string;
  reason: string;
  reportedBy: string;
  createdAt: string;
  body: string;
  author: string;
  /** The author deleted the comment after it was reported; its text is kept for moderators. */
  deletedByAuthor: boolean;
}

/** Open reports on comments that are still visible or that their author deleted since (deleting does not close a report). */
export async function listOpenReports(database: Database, limit = 100): Promise<OpenReport[]> {
  const rows = await database.db
    .selectFrom('comment_reports')
    .innerJoin('comments', 'comments.id', 'comment_reports.comment_id')
    .innerJoin('users as reporter', 'reporter.id', 'comment_reports.user_id')
    .innerJoin('users as author', 'author.id', 'comments.user_id')
    .select([
      'comment_reports.comment_id',
      'comments.paper_id',
      'comment_reports.reason',
      'reporter.username as reporter',
      'comment_reports.created_at',
      'comments.body',
      'author.username as author',
      'comments.deleted_at',
    ])
    .where('comment_reports.resolved_at', 'is', null)
    .where('comments.hidden_at', 'is', null)
    .orderBy('comment_reports.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    commentId: r.comment_id,
    paperId: r.paper_id,
    reason: r.reason,
    reportedBy: r.reporter,
    createdAt: r.created_at,
    body: r.body,
    author: r.author,
    deletedByAuthor: r.deleted_at !== null,
  }));
}

function checkBody(raw: string): string {
  const body = raw.replace(/\r\n?/g, '\n').trim();
  if (!body) throw badRequest('a comment needs some text', 'empty_comment');
  if (body.length > COMMENT_MAX_LENGTH) throw badRequest(`a comment is at most ${COMMENT_MAX_LENGTH} characters`, 'comment_too_long');
  return body;
}

async function adjustCounter(trx: Transaction<DB>, paperId: string, delta: number): Promise<void> {
  await trx
    .updateTable('papers')
    .set({ community_comments: sql`community_comments + ${delta}` })
    .where('id', '=', paperId)
    .execute();
}

function baseQuery(database: Database) {
  return database.db
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.user_id')
    .select([
      'comments.id',
      'comments.paper_id',
      'comments.parent_id',
      'comments.user_id',
      'users.username',
      'comments.body',
      'comments.created_at',
      'comments.edited_at',
      'comments.deleted_at',
      'comments.hidden_at',
    ]);
}

function toComment(r: {
  id: string;
  paper_id: string;
  parent_id: string | null;
  user_id: string;
  username: string;
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
}): StoredComment {
  return {
    id: r.id,
    paperId: r.paper_id,
    parentId: r.parent_id,
    userId: r.user_id,
    username: r.username,
    body: r.body,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deleted: r.deleted_at !== null,
    hidden: r.hidden_at !== null,
  };
}
