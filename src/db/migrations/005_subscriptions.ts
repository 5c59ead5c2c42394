// Email digests: subscriptions (double opt-in) and one delivery row per subscriber and period. The delivery
// row is the idempotency record: its key is (subscription, period), it is written before any mail leaves,
// and its state says how far the hand-off to the mail server got (docs/digests.md explains the states).
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 5,
  name: 'subscriptions',
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE subscriptions (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL,
      email_key TEXT NOT NULL UNIQUE,
      user_id TEXT,
      status TEXT NOT NULL,
      frequency TEXT NOT NULL,
      categories TEXT NOT NULL,
      interests TEXT NOT NULL,
      paper_count INTEGER NOT NULL,
      time_zone TEXT NOT NULL,
      send_hour INTEGER NOT NULL,
      pending_preferences TEXT,
      confirm_nonce TEXT,
      confirm_expires_at TEXT,
      confirm_sent_at TEXT,
      link_key TEXT NOT NULL,
      bounce_count INTEGER NOT NULL DEFAULT 0,
      last_bounce_at TEXT,
      created_at TEXT NOT NULL,
      confirmed_at TEXT,
      unsubscribed_at TEXT,
      updated_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX subscriptions_status ON subscriptions (status, frequency)`.execute(db);
    await sql`CREATE INDEX subscriptions_user ON subscriptions (user_id)`.execute(db);
    await sql`CREATE TABLE digest_deliveries (
      idempotency_key TEXT PRIMARY KEY,
      subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
      period_key TEXT NOT NULL,
      frequency TEXT NOT NULL,
      message_id TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT NOT NULL,
      claimed_by TEXT,
      lease_expires_at TEXT,
      handed_off_at TEXT,
      sent_at TEXT,
      smtp_response TEXT,
      last_error TEXT,
      paper_count INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX digest_deliveries_due ON digest_deliveries (status, next_attempt_at)`.execute(db);
    await sql`CREATE INDEX digest_deliveries_subscription ON digest_deliveries (subscription_id, period_key)`.execute(db);
  },
};
