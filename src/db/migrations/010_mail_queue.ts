// The outgoing mail queue: sign-in links, sign-up links and digest confirmations are written here in the
// request's transaction and sent by a worker, so a request never waits for (or fails with) the mail server.
// One row per message; its idempotency key names what the message is for, so the same mail is queued once.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 10,
  name: 'mail_queue',
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE mail_queue (
      id TEXT PRIMARY KEY,
      idempotency_key TEXT NOT NULL UNIQUE,
      recipient TEXT NOT NULL,
      subject TEXT NOT NULL,
      text_body TEXT,
      html_body TEXT,
      headers TEXT,
      message_id TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT NOT NULL,
      claimed_by TEXT,
      lease_expires_at TEXT,
      expires_at TEXT NOT NULL,
      sent_at TEXT,
      smtp_response TEXT,
      last_error TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX mail_queue_due ON mail_queue (status, next_attempt_at)`.execute(db);
  },
};
