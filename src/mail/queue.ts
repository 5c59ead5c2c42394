// Mail that a request asks for (sign-in links, sign-up links, digest confirmations) leaves through a queue, so
// the request answers at once whether or not the mail server is up. The request writes the message into the
// queue in its own transaction (src/db/mail-queue.ts) and kicks this process's sender; the scheduler's
// `mail-queue` job (and `paperfeed mail`, from cron) sends whatever the kicks could not, with backoff.
//
// Guarantee: once while the link inside still works, as digests (decision 0005). A message is claimed by one
// sender at a time (a compare-and-set on PostgreSQL with FOR UPDATE SKIP LOCKED, one writer on SQLite), so several
// processes draining one queue never send a row twice. A sender that dies between handing a message to the mail
// server and the commit that records it would leave it to be sent again; so, as the digest runner does, it writes
// the hand-off to a local journal (src/mail/handoff-journal.ts) in the tick that releases the end-of-data marker,
// and the next sender on this host records every journaled hand-off of a dead sender as sent before it takes over
// that sender's messages. A message is sent twice only when its sender's host is lost for good with the journal,
// or when its lease of MAIL_LEASE_MS runs out mid-send; the copy carries the same Message-ID, so a mail system can
// drop it. Temporary failures (server down, 4xx) are retried with doubling delays; a permanent refusal of the
// address (5xx) gives the message up; a message whose link expired is never sent.
import crypto from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import {
  claimDueMail,
  enqueueMail,
  expireMail,
  finishMail,
  mailSendingHolders,
  pruneMailQueue,
  recordMailHandOff,
  retryMailLater,
  type QueuedMailRow,
} from '../db/mail-queue.ts';
import { awaitingRetry } from '../db/retries.ts';
import type { Logger } from '../log.ts';
import { HandOffJournal } from './handoff-journal.ts';
import { deadLocalHolders, runnerId } from './local-holders.ts';
import { classifyFailure, messageIdHost, type MailTransport, type OutgoingMail } from './transport.ts';

export interface MailToQueue extends Pick<OutgoingMail, 'subject' | 'text' | 'html' | 'headers'> {
  to: string;
  /** What the message is for; a second message with the same key is not queued. */
  key: string;
  /** When the link inside stops working: the message is not sent after that. */
  expiresAt: Date;
}

/** Writes a message into the queue (inside the caller's transaction when `database` is one). */
export function queueMail(database: Database, config: Pick<Config, 'baseUrl'>, mail: MailToQueue, now = new Date()): Promise<boolean> {
  const id = crypto.randomUUID();
  return enqueueMail(
    database,
    {
      id,
      idempotencyKey: mail.key,
      recipient: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html ?? null,
      headers: mail.headers ?? null,
      messageId: `<mail.${id}@${messageIdHost(config.baseUrl)}>`,
      expiresAt: mail.expiresAt,
    },
    now,
  );
}

export interface MailQueueRun {
  sent: number;
  retried: number;
  failed: number;
  expired: number;
  /** Messages that dead senders on this host had handed over (their journals), now recorded as sent. */
  journaled: number;
  /** Messages still waiting for a retry when the run ended. */
  waiting: number;
}

export interface MailQueueServices {
  config: Pick<Config, 'MAIL_LEASE_MS' | 'MAIL_RETRY_BASE_MS' | 'dataDir'>;
  database: Database;
  mail: MailTransport;
  logger: Logger;
  clock: () => Date;
}

/** Messages claimed at once: enough to keep the SMTP pool busy, few enough that a crash strands little. */
const CLAIM_BATCH = 20;
/** Sent, failed and expired rows are kept this long for `status` and inquiries, then dropped. */
const KEEP_DAYS = 30;

/**
 * This process's sender. It sends in passes, one at a time per process: a pass takes every message due when it
 * starts, each once. Asking while a pass runs queues one more pass after it, which every request made before it
 * starts shares; so a message queued meanwhile is not left for the scheduled job, and no caller waits for more
 * than the running pass and its own, however many requests keep queueing mail.
 */
export class MailQueue {
  private readonly holder = runnerId();
  private readonly journalDir: string;
  private readonly journal: HandOffJournal;
  /** The pass running now, or the last one. */
  private tail: Promise<unknown> = Promise.resolve();
  /** A pass waiting for the running one to finish, shared by everyone who asks meanwhile. */
  private next: Promise<MailQueueRun> | null = null;
  private closed = false;

  constructor(private readonly ctx: MailQueueServices) {
    this.journalDir = path.join(ctx.config.dataDir, 'mail-journal');
    this.journal = new HandOffJournal(this.journalDir, this.holder);
  }

  /** Sends what is due, in the background (a request just queued a message). Never throws. */
  kick(): void {
    if (this.closed) return;
    this.drain().catch((e) => this.ctx.logger.error({ err: (e as Error).message }, 'could not send queued mail'));
  }

  /** One pass over everything due now (after the pass running in this process, if any). */
  drain(): Promise<MailQueueRun> {
    if (this.next) return this.next;
    const pass = this.tail.then(async () => {
      this.next = null;
      const run = await this.sendDue();
      run.waiting = await awaitingRetry(this.ctx.database, 'mail_queue');
      return run;
    });
    this.next = pass;
    this.tail = pass.catch(() => undefined);
    return pass;
  }

  /** Drops rows that left the queue long ago (the scheduled job does it after its drain). */
  prune(): Promise<number> {
    return pruneMailQueue(this.ctx.database, new Date(this.ctx.clock().getTime() - KEEP_DAYS * 86_400_000));
  }

  /** Lets the running and the waiting pass finish; no new one starts. */
  async close(): Promise<void> {
    this.closed = true;
    await (this.next ?? this.tail).catch(() => undefined);
  }

  /** One pass: every message due when it starts, each tried once (a retry that comes due meanwhile waits for the next pass). */
  private async sendDue(): Promise<MailQueueRun> {
    const { config, database } = this.ctx;
    const total: MailQueueRun = { sent: 0, retried: 0, failed: 0, expired: 0, journaled: 0, waiting: 0 };
    const passStart = this.ctx.clock();
    total.expired += await expireMail(database, passStart);
    for (;;) {
      const dead = deadLocalHolders(await mailSendingHolders(database), this.holder, false);
      // Before taking over a dead sender's messages (at every claim: a sender may die while this pass runs),
      // those it handed over are recorded as sent, whatever the database says.
      total.journaled += await this.foldJournalsOfDeadSenders();
      const rows = await claimDueMail(database, {
        holder: this.holder,
        now: this.ctx.clock(),
        dueBy: passStart,
        leaseMs: config.MAIL_LEASE_MS,
        limit: CLAIM_BATCH,
        deadHolders: dead,
      });
      if (!rows.length) {
        // Every hand-off of this pass is recorded (a failed record would have ended the pass with an error, and
        // kept the journal for the next sender on this host).
        this.journal.close();
        return total;
      }
      await Promise.all(rows.map((row) => this.send(row, total)));
    }
  }

  /** Records the journaled hand-offs of senders on this host that no longer exist, then drops their journals. */
  private async foldJournalsOfDeadSenders(): Promise<number> {
    let recorded = 0;
    for (const other of HandOffJournal.others(this.journalDir, this.holder)) {
      if (!deadLocalHolders([other.holder], this.holder, false).length) continue;
      for (const e of other.entries) if (await recordMailHandOff(this.ctx.database, e.key, other.holder, e.attempt, this.ctx.clock())) recorded++;
      other.discard();
    }
    return recorded;
  }

  private async send(row: QueuedMailRow, total: MailQueueRun): Promise<void> {
    const { database, logger } = this.ctx;
    const now = this.ctx.clock;
    try {
      const result = await this.ctx.mail.send(
        {
          to: row.recipient,
          subject: row.subject,
          text: row.text_body ?? '',
          html: row.html_body ?? undefined,
          headers: row.headers ? (JSON.parse(row.headers) as Record<string, string>) : undefined,
          messageId: row.message_id,
        },
        { onHandOff: () => this.journal.record({ key: row.id, attempt: Number(row.attempts) }) },
      );
      // False when this sender's lease ran out mid-send and another took the row: it sends its own copy.
      if (await finishMail(database, row.id, this.holder, { status: 'sent', response: result.response }, now())) total.sent++;
    } catch (e) {
      const err = classifyFailure(e);
      if (err.handedOff && err.responseCode === null) {
        // The connection died after the message was complete: the server may well have it. Never sent again.
        if (await finishMail(database, row.id, this.holder, { status: 'sent', response: 'handed off; no reply from the server' }, now())) total.sent++;
        logger.warn({ mail: row.id, err: err.message }, 'queued mail handed off but not confirmed by the mail server');
        return;
      }
      if (!err.temporary && err.bounce) {
        await finishMail(database, row.id, this.holder, { status: 'failed', error: err.message }, now());
        total.failed++;
        logger.warn({ mail: row.id, code: err.responseCode }, 'queued mail refused by the mail server; given up');
        return;
      }
      // Temporary failures, and server-side problems such as failed authentication: try again later.
      const attempts = Number(row.attempts);
      const delay = Math.min(this.ctx.config.MAIL_RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 20), 3_600_000) * (0.8 + Math.random() * 0.4);
      // At least a millisecond later, so that this pass does not take the message again.
      await retryMailLater(database, row.id, this.holder, new Date(now().getTime() + Math.max(1, delay)), err.message, now());
      total.retried++;
      logger.warn({ mail: row.id, attempts, delayMs: Math.round(delay), err: err.message }, 'queued mail not sent; will retry');
    }
  }
}
