// The outgoing mail queue (migration 010). A message is queued in the transaction of whatever it is about (a
// sign-in link, a subscription), then claimed by one sender at a time: claiming flips pending → sending under a
// lease, so two senders never send one row, and a sender that died is replaced once its lease runs out (or at
// once, when the caller knows the holder is dead). The bodies are erased when a message leaves the queue.
import type { Selectable } from 'kysely';
import type { Database } from './connect.ts';
import type { MailQueueTable } from './schema.ts';

export type QueuedMailRow = Selectable<MailQueueTable>;

export interface NewQueuedMail {
  id: string;
  idempotencyKey: string;
  recipient: string;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string> | null;
  messageId: string;
  expiresAt: Date;
}

/** Queues a message for sending now; a second message with the same idempotency key is ignored. Returns whether it was queued. */
export async function enqueueMail(database: Database, mail: NewQueuedMail, now: Date): Promise<boolean> {
  const nowIso = now.toISOString();
  const result = await database.db
    .insertInto('mail_queue')
    .values({
      id: mail.id,
      idempotency_key: mail.idempotencyKey,
      recipient: mail.recipient,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      headers: mail.headers ? JSON.stringify(mail.headers) : null,
      message_id: mail.messageId,
      status: 'pending',
      next_attempt_at: nowIso,
      claimed_by: null,
      lease_expires_at: null,
      expires_at: mail.expiresAt.toISOString(),
      sent_at: null,
      smtp_response: null,
      last_error: null,
      created_at: nowIso,
      updated_at: nowIso,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export interface ClaimRequest {
  holder: string;
  now: Date;
  /** Pending messages are due when their retry time is at or before this (the start of the sender's pass). */
  dueBy: Date;
  leaseMs: number;
  limit: number;
  /** Holders known to be dead (processes of this host that no longer exist): their rows are taken at once. */
  deadHolders?: string[];
}

/**
 * Claims up to `limit` due messages for `holder`: pending ones whose retry time has come, and ones a sender
 * left 'sending' when its lease ran out or it died. Each claim counts an attempt. On PostgreSQL, rows another
 * sender is claiming right now are skipped (FOR UPDATE SKIP LOCKED) instead of waited for; SQLite has one
 * writer at a time, so the statement alone is atomic there.
 */
export async function claimDueMail(database: Database, req: ClaimRequest): Promise<QueuedMailRow[]> {
  const nowIso = req.now.toISOString();
  const dead = req.deadHolders ?? [];
  const due = database.db
    .selectFrom('mail_queue')
    .select('id')
    .where('expires_at', '>', nowIso)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', req.dueBy.toISOString())]),
        eb.and([eb('status', '=', 'sending'), eb('lease_expires_at', '<=', nowIso)]),
        ...(dead.length ? [eb.and([eb('status', '=', 'sending'), eb('claimed_by', 'in', dead)])] : []),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(req.limit)
    .$if(database.kind === 'postgres', (qb) => qb.forUpdate().skipLocked());
  return database.db
    .updateTable('mail_queue')
    .set((eb) => ({
      status: 'sending',
      claimed_by: req.holder,
      lease_expires_at: new Date(req.now.getTime() + req.leaseMs).toISOString(),
      attempts: eb('attempts', '+', 1),
      updated_at: nowIso,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/** Holders of rows now 'sending' (the caller checks which of them are dead). */
export async function mailSendingHolders(database: Database): Promise<string[]> {
  const rows = await database.db.selectFrom('mail_queue').select('claimed_by').distinct().where('status', '=', 'sending').execute();
  return rows.map((r) => r.claimed_by).filter((h): h is string => !!h);
}

/** The reply recorded for a message a dead sender's journal showed handed over (its own reply never came). */
export const JOURNALED_HAND_OFF = 'handed off; its sender stopped before the reply';

/**
 * Records a message that a sender now dead handed to the mail server (its journal says the end-of-data marker was
 * being written for this attempt) as sent, so that it is never sent again; false when the row has moved on since.
 */
export function recordMailHandOff(database: Database, id: string, holder: string, attempt: number, now: Date): Promise<boolean> {
  return finishMail(database, id, holder, { status: 'sent', response: JOURNALED_HAND_OFF }, now, attempt);
}

/**
 * Leaves the queue: sent (with the server's reply), or given up. Only the row's current holder can do it, and with
 * `attempt` only while the row is still at that attempt.
 */
export async function finishMail(
  database: Database,
  id: string,
  holder: string,
  outcome: { status: 'sent'; response: string } | { status: 'failed'; error: string },
  now: Date,
  attempt?: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('mail_queue')
    .set({
      status: outcome.status,
      sent_at: outcome.status === 'sent' ? now.toISOString() : null,
      smtp_response: outcome.status === 'sent' ? outcome.response.slice(0, 500) : null,
      last_error: outcome.status === 'failed' ? outcome.error.slice(0, 2000) : null,
      text_body: null,
      html_body: null,
      claimed_by: null,
      lease_expires_at: null,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('claimed_by', '=', holder)
    .where('status', '=', 'sending')
    .$if(attempt !== undefined, (qb) => qb.where('attempts', '=', attempt!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Back to pending after a temporary failure, to be claimed again from `retryAt`. */
export async function retryMailLater(database: Database, id: string, holder: string, retryAt: Date, error: string, now: Date): Promise<void> {
  await database.db
    .updateTable('mail_queue')
    .set({
      status: 'pending',
      next_attempt_at: retryAt.toISOString(),
      last_error: error.slice(0, 2000),
      claimed_by: null,
      lease_expires_at: null,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('claimed_by', '=', holder)
    .where('status', '=', 'sending')
    .execute();
}

/** Messages whose link stopped working before they could be sent: marked expired, bodies erased. */
export async function expireMail(database: Database, now: Date): Promise<number> {
  const nowIso = now.toISOString();
  const result = await database.db
    .updateTable('mail_queue')
    .set({ status: 'expired', text_body: null, html_body: null, claimed_by: null, lease_expires_at: null, updated_at: nowIso })
    .where('status', 'in', ['pending', 'sending'])
    .where('expires_at', '<=', nowIso)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Drops messages that left the queue before the cutoff. */
export async function pruneMailQueue(database: Database, olderThan: Date): Promise<number> {
  const result = await database.db
    .deleteFrom('mail_queue')
    .where('status', 'in', ['sent', 'failed', 'expired'])
    .where('updated_at', '<', olderThan.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Rows per status, for the run summary and the bench. */
export async function mailQueueCounts(database: Database): Promise<Record<string, number>> {
  const rows = await database.db
    .selectFrom('mail_queue')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
