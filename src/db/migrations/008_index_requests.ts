// "Index any arXiv paper": requests to fetch a paper that is not stored, through the arXiv API, queued so the web
// request returns at once. index_requests has one row per accepted request (who asked, why, and what came of it):
// the per-person and overall limits count these rows, failures included. index_fetches has one row per arXiv id,
// so an id asked for many times is fetched once. index_request_lock holds one row that every request locks first,
// so concurrent requests (several app processes on PostgreSQL) count and insert one after the other.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 8,
  name: 'index_requests',
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE index_requests (
      id TEXT PRIMARY KEY,
      arxiv_id TEXT NOT NULL,
      requester TEXT NOT NULL,
      purpose TEXT NOT NULL,
      payload TEXT,
      status TEXT NOT NULL,
      created_at TEXT NOT NULL,
      finished_at TEXT,
      error TEXT
    )`.execute(db);
    await sql`CREATE INDEX index_requests_requester ON index_requests (requester, created_at)`.execute(db);
    await sql`CREATE INDEX index_requests_created ON index_requests (created_at)`.execute(db);
    await sql`CREATE INDEX index_requests_arxiv ON index_requests (arxiv_id, status)`.execute(db);
    await sql`CREATE TABLE index_fetches (
      arxiv_id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      queued_at TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      finished_at TEXT,
      error TEXT
    )`.execute(db);
    await sql`CREATE INDEX index_fetches_queue ON index_fetches (status, queued_at)`.execute(db);
    await sql`CREATE TABLE index_request_lock (name TEXT PRIMARY KEY)`.execute(db);
    await sql`INSERT INTO index_request_lock (name) VALUES ('requests')`.execute(db);
  },
};
