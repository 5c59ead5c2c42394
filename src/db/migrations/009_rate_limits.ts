// Rate-limit counters shared by every app process: one row per (limit, subject, fixed window), counted up by
// one upsert per hit (or per batch of hits), so N processes on one database enforce one limit. Rows are only
// useful until their window ends; expired ones are deleted as the counters are used.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 9,
  name: 'rate_limits',
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE rate_limit_hits (
      bucket TEXT PRIMARY KEY,
      hits INTEGER NOT NULL,
      expires_at BIGINT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX rate_limit_hits_expiry ON rate_limit_hits (expires_at)`.execute(db);
  },
};
