// Moderation actions. Each one changes its target and appends to the audit log in the same transaction,
// so the log never misses an action and never records one that did not happen.
import type { Transaction } from 'kysely';
import type { Role } from '../domain/accounts.ts';
import { newId } from '../domain/credentials.ts';
import { notFound } from '../errors.ts';
import { decidePendingClaim, type Claim } from './claims.ts';
import { setCommentHidden } from './comments.ts';
import type { Database } from './connect.ts';
import type { DB } from './schema.ts';

export type ModerationAction =
  | 'hide_paper'
  | 'unhide_paper'
  | 'feature_paper'
  | 'unfeature_paper'
  | 'hide_comment'
  | 'unhide_comment'
  | 'dismiss_reports'
  | 'ban_user'
  | 'unban_user'
  | 'set_role'
  | 'approve_claim'
  | 'reject_claim';

export interface ModerationEntry {
  id: string;
  actor: string;
  action: ModerationAction;
  targetType: 'paper' | 'comment' | 'user' | 'claim';
  targetId: string;
  reason: string | null;
  createdAt: string;
}

async function log(
  trx: Transaction<DB>,
  actorId: string,
  action: ModerationAction,
  targetType: ModerationEntry['targetType'],
  targetId: string,
  reason: string | null,
): Promise<void> {
  await trx
    .insertInto('moderation_log')
    .values({
      id: newId(),
      actor_id: actorId,
      action,
      target_type: targetType,
      target_id: targetId,
      reason: reason?.slice(0, 500) || null,
      created_at: new Date().toISOString(),
    })
    .execute();
}

export async function setPaperHidden(database: Database, actorId: string, paperId: string, hidden: boolean, reason: string | null = null): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    // modified_at moves so that search indexes (which poll for changed papers) drop or restore the paper.
    const r = await trx
      .updateTable('papers')
      .set({ hidden: hidden ? 1 : 0, modified_at: new Date().toISOString() })
      .where('id', '=', paperId)
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw notFound(`no paper ${paperId}`);
    await log(trx, actorId, hidden ? 'hide_paper' : 'unhide_paper', 'paper', paperId, reason);
  });
}

export async function setPaperFeatured(database: Database, actorId: string, paperId: string, featured: boolean, reason: string | null = null): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('papers')
      .set({ featured_at: featured ? new Date().toISOString() : null })
      .where('id', '=', paperId)
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw notFound(`no paper ${paperId}`);
    await log(trx, actorId, featured ? 'feature_paper' : 'unfeature_paper', 'paper', paperId, reason);
  });
}

/** Hides or shows a comment; returns the paper it is on. */
export async function moderateComment(database: Database, actorId: string, commentId: string, hidden: boolean, reason: string | null = null): Promise<string> {
  return database.db.transaction().execute(async (trx) => {
    const paperId = await setCommentHidden(trx, commentId, hidden);
    await trx.updateTable('comment_reports').set({ resolved_at: new Date().toISOString() }).where('comment_id', '=', commentId).execute();
    await log(trx, actorId, hidden ? 'hide_comment' : 'unhide_comment', 'comment', commentId, reason);
    return paperId;
  });
}

/** Closes a comment's open reports without hiding it (the reports were unfounded). */
export async function dismissReports(database: Database, actorId: string, commentId: string, reason: string | null = null): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('comment_reports')
      .set({ resolved_at: new Date().toISOString() })
      .where('comment_id', '=', commentId)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw notFound('no open reports on that comment');
    await log(trx, actorId, 'dismiss_reports', 'comment', commentId, reason);
  });
}

/** Bans or unbans an account. A ban also ends its sessions and revokes its access tokens at once. */
export async function setUserBanned(database: Database, actorId: string, userId: string, banned: boolean, reason: string | null = null): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const r = await trx
      .updateTable('users')
      .set({ banned_at: banned ? now : null })
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw notFound('no such account');
    if (banned) {
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    }
    await log(trx, actorId, banned ? 'ban_user' : 'unban_user', 'user', userId, reason);
  });
}

/** Approves or rejects a pending claim of authorship (src/db/claims.ts holds the rules). */
export async function decideClaim(database: Database, actorId: string, claimId: string, approve: boolean, reason: string | null = null): Promise<Claim> {
  return database.db.transaction().execute(async (trx) => {
    const claim = await decidePendingClaim(trx, actorId, claimId, approve, reason);
    await log(trx, actorId, approve ? 'approve_claim' : 'reject_claim', 'claim', claimId, reason);
    return claim;
  });
}

/** Admins make or unmake moderators (and admins). */
export async function setUserRole(database: Database, actorId: string, userId: string, role: Role): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('users').set({ role }).where('id', '=', userId).executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw notFound('no such account');
    await log(trx, actorId, 'set_role', 'user', userId, role);
  });
}

export async function listModerationLog(database: Database, limit = 100): Promise<ModerationEntry[]> {
  const rows = await database.db
    .selectFrom('moderation_log')
    .innerJoin('users', 'users.id', 'moderation_log.actor_id')
    .select([
      'moderation_log.id',
      'users.username',
      'moderation_log.action',
      'moderation_log.target_type',
      'moderation_log.target_id',
      'moderation_log.reason',
      'moderation_log.created_at',
    ])
    .orderBy('moderation_log.created_at', 'desc')
    .orderBy('moderation_log.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    actor: r.username,
    action: r.action as ModerationAction,
    targetType: r.target_type as ModerationEntry['targetType'],
    targetId: r.target_id,
    reason: r.reason,
    createdAt: r.created_at,
  }));
}
